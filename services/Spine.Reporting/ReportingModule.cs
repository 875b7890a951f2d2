using Spine.Platform.Hosting;

namespace Spine.Reporting;

public static class ReportingModule
{
    /// <summary>Reporting: the report as JSON and HTML, StudyReportPublished. The studies API is not in this build yet.</summary>
    public static SpineServiceModule Module { get; } = new(
        "reporting",
        "Reporting: the report as JSON and self-contained HTML in storage; publishes StudyReportPublished.",
        bus => bus.AddConsumer<ReportingConsumer>());
}
