namespace Spine.Platform.Security;

/// <summary>
/// What a caller of the HTTP API may do. Every endpoint but health names the one role it needs, as an authorization
/// policy of the same name; an API key or a token carries the roles it grants.
/// </summary>
public static class SpineRoles
{
    /// <summary>Send studies: STOW-RS and folder imports.</summary>
    public const string Send = "send";

    /// <summary>Read results, which hold patient data: the studies API and the reports.</summary>
    public const string Read = "read";

    /// <summary>Act on studies already received: re-run, export, resend.</summary>
    public const string Operate = "operate";

    /// <summary>Scrape metrics (/metrics): counts and durations by stage and failure code, no patient data.</summary>
    public const string Monitor = "monitor";

    public static IReadOnlyList<string> All { get; } = [Send, Read, Operate, Monitor];

    /// <summary>The roles in a setting such as <c>"send, read"</c>.</summary>
    public static IReadOnlyList<string> Parse(string? roles) =>
        (roles ?? string.Empty).Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
