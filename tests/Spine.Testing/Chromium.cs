namespace Spine.Testing;

/// <summary>
/// Debian's Chromium, headless (Playwright's own browser download cannot run on the build machines). Tests run as
/// root in CI, where Chromium's sandbox cannot start: it is turned off, which is safe for pages the test wrote itself.
/// </summary>
public static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static IReadOnlyList<string> Headless { get; } = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--virtual-time-budget=5000"];
}
