using Spine.Platform.Hosting;

namespace Spine.Reporting;

public static class ReportingModule
{
    /// <summary>Reporting: the report as JSON and HTML, StudyReportPublished, and the studies API.</summary>
    public static SpineServiceModule Module { get; } = new(
        "reporting",
        "Reporting: the report as JSON and self-contained HTML in storage; publishes StudyReportPublished; the studies API.",
        bus => bus.AddConsumer<ReportingConsumer>(),
        MapEndpoints: StudiesApi.Map);
}
