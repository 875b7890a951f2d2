using Microsoft.Playwright;

namespace Spine.Testing;

/// <summary>
/// Debian's Chromium driven by Playwright: Playwright's own browser download cannot run here, so it launches
/// /usr/bin/chromium (tests/infra/test-services.sh installs it).
/// </summary>
public static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"Chromium is not installed ({Executable}); tests/infra/test-services.sh start installs it.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Executable, Headless = true });
        return (playwright, browser);
    }

    /// <summary>Where screenshots are kept as test output: TestResults/screenshots beside the test assembly's run.</summary>
    public static string ScreenshotPath(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName, name);
}
