namespace Spine.Reporting;

/// <summary>A PACS (or any storage SCP) that receives the study's result objects.</summary>
public sealed class ExportDestination
{
    public string Name { get; set; } = string.Empty;
    public string Host { get; set; } = string.Empty;
    public int Port { get; set; } = 104;
    public string AeTitle { get; set; } = string.Empty;
}

/// <summary><c>Spine:Export</c>: where reports go back to as DICOM objects, and how hard to try.</summary>
public sealed class ExportOptions
{
    public const string Section = "Spine:Export";

    public List<ExportDestination> Destinations { get; set; } = [];

    /// <summary>The AE title the platform calls with.</summary>
    public string CallingAeTitle { get; set; } = "SPINE";

    /// <summary>Tries per destination before the message goes to the bus's retries (and finally its error queue).</summary>
    public int Attempts { get; set; } = 5;

    /// <summary>Wait after the first failure; it doubles after each.</summary>
    public double FirstRetryDelaySeconds { get; set; } = 2;
}
