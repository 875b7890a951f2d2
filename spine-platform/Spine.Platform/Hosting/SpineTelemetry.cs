using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Spine.Platform.Hosting;

/// <summary>The platform's own trace source and meter; MassTransit's are added beside them.</summary>
public static class SpineTelemetry
{
    public const string SourceName = "Spine.Platform";

    public static readonly ActivitySource Source = new(SourceName, typeof(SpineTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>The platform's own instruments (exported beside MassTransit's when OTLP is configured).</summary>
    public static readonly Meter Meter = new(SourceName, typeof(SpineTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary>Tag that identifies a study in traces and metrics. Only the platform's StudyId goes here, never a DICOM identifier.</summary>
    public const string StudyIdTag = "spine.study_id";
}
