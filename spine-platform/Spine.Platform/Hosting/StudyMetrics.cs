using System.Diagnostics.Metrics;
using Spine.Contracts.V1;

namespace Spine.Platform.Hosting;

/// <summary>
/// The instruments an operations team alerts on: studies received, how long a study takes from receipt to report, how long each stage
/// takes, how many studies complete and fail (by stage and failure code), how many each stage is working on, and model
/// inference time. Exported over OTLP and on /metrics (Prometheus names in docs/operations.md). Tags carry stage names
/// and failure codes only: never a study's identity.
/// </summary>
public static class StudyMetrics
{
    public const string StageTag = "spine.stage";
    public const string OutcomeTag = "spine.outcome";
    public const string FailureCodeTag = "spine.failure_code";
    public const string ModelTag = "spine.model";

    private static readonly Histogram<double> StudyDuration = SpineTelemetry.Meter.CreateHistogram(
        "spine.study.duration", "s", "Time from a study's receipt to its report's publication.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600] });

    private static readonly Counter<long> Received = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.studies.received", "{study}", "Studies received whole and handed to the pipeline, by source (folder, dimse, stow-rs).");

    private static readonly Counter<long> Completed = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.studies.completed", "{study}", "Studies whose report was published.");

    private static readonly Counter<long> Failed = SpineTelemetry.Meter.CreateCounter<long>(
        "spine.studies.failed", "{study}", "Studies ended with StudyFailed, by the stage and failure code.");

    private static readonly Histogram<double> StageDuration = SpineTelemetry.Meter.CreateHistogram(
        "spine.stage.duration", "s", "Time a stage worked on one study (completed or failed; attempts that threw are not counted).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120] });

    private static readonly UpDownCounter<long> Active = SpineTelemetry.Meter.CreateUpDownCounter<long>(
        "spine.stage.active", "{study}", "Studies a stage is working on now, in this process.");

    private static readonly Histogram<double> Inference = SpineTelemetry.Meter.CreateHistogram(
        "spine.model.inference.duration", "s", "Time of one model run (a batch of slices or crops).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5] });

    public const string SourceTag = "spine.source";

    public static void StudyReceived(string source) => Received.Add(1, new KeyValuePair<string, object?>(SourceTag, source));

    public static void StudyCompleted(TimeSpan sinceReceipt)
    {
        Completed.Add(1);
        StudyDuration.Record(Math.Max(0, sinceReceipt.TotalSeconds));
    }

    public static void StudyFailed(PipelineStage stage, string code) =>
        Failed.Add(1, new(StageTag, StageName(stage)), new(FailureCodeTag, code));

    public static void StageEnded(PipelineStage stage, bool completed, TimeSpan duration) =>
        StageDuration.Record(duration.TotalSeconds, new(StageTag, StageName(stage)), new(OutcomeTag, completed ? "completed" : "failed"));

    /// <summary>Counts the stage's study as active until the returned scope is disposed.</summary>
    public static ActiveStudy StageStarted(PipelineStage stage) => new(stage);

    public static void InferenceRan(string model, TimeSpan duration) => Inference.Record(duration.TotalSeconds, new KeyValuePair<string, object?>(ModelTag, model));

    public static string StageName(PipelineStage stage) => stage.ToString().ToLowerInvariant();

    public readonly struct ActiveStudy : IDisposable
    {
        private readonly KeyValuePair<string, object?> _stage;

        internal ActiveStudy(PipelineStage stage)
        {
            _stage = new(StageTag, StageName(stage));
            Active.Add(1, _stage);
        }

        public void Dispose() => Active.Add(-1, _stage);
    }
}
