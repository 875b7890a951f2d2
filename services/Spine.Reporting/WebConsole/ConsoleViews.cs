using System.Text.Json.Serialization;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;

namespace Spine.Reporting.WebConsole;

/// <summary>How long a study spent in one stage; <see cref="Running"/> when it is there now.</summary>
public sealed record StageTime(string Stage, double Seconds, bool Running);

/// <summary>One row of the worklist: where the study stands, how long each stage took, and what was found.</summary>
public sealed record WorklistRow(
    Guid StudyId, string Status, string? Stage, DateTimeOffset ReceivedAt, DateTimeOffset UpdatedAt,
    IReadOnlyList<StageTime> Stages, int? ModerateOrWorse, string? Failure);

public sealed record WorklistPage(IReadOnlyList<WorklistRow> Studies, int Total, int Skip, int Take);

/// <summary>A study that failed, or one that has not moved for longer than the console's stuck threshold.</summary>
public sealed record FailureRow(Guid StudyId, string Kind, string? Stage, string? Reason, DateTimeOffset ReceivedAt, DateTimeOffset UpdatedAt);

/// <summary>One image of the source series, by its place in it; the level whose slab it belongs to, if any.</summary>
public sealed record SliceEntry(int Index, int InstanceNumber, string? Level, bool ReadOn);

public sealed record FindingView(
    string Name, string Kind, string Side, int Grade, string GradeName, IReadOnlyList<double> Probabilities,
    string? Rationale, IReadOnlyList<Measurement> Measurements, bool HasHeatMap, int? HeatMapSlice, string Model);

public sealed record LevelView(
    string Level, bool Uncertain, string? NotAssessable, int? ReadOnSlice, IReadOnlyList<Measurement> Measurements, IReadOnlyList<FindingView> Findings);

/// <summary>Where a study's results stand at one export destination: not sent, stored, retrying or gave up (the latest attempt).</summary>
public sealed record ExportStatus(string Destination, string Kind, string Status, int Attempts, DateTimeOffset? At, string? Detail);

/// <summary>What the study page shows: the ledger's view of the study and, once reported, the findings, the series to scroll and the exports.</summary>
public sealed record StudyView(
    WorklistRow Study, IReadOnlyList<StudyTransition> Transitions, IReadOnlyList<SliceEntry> Slices, IReadOnlyList<LevelView> Levels,
    IReadOnlyList<ModelInfo> Models, string? Disclaimer, IReadOnlyList<ExportStatus> Exports);

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WorklistPage))]
[JsonSerializable(typeof(IReadOnlyList<FailureRow>))]
[JsonSerializable(typeof(StudyView))]
internal sealed partial class ConsoleJsonContext : JsonSerializerContext;

/// <summary>Rows from the ledger's records.</summary>
internal static class ConsoleRows
{
    public static WorklistRow Row(StudyRecord study, DateTimeOffset now, int? moderateOrWorse) => new(
        study.StudyId, study.Status.ToString(), study.Stage?.ToString(), study.CreatedAt, study.UpdatedAt,
        StageTimes(study, now), moderateOrWorse, study.Status == StudyStatus.Failed ? LastFailure(study) : null);

    /// <summary>From each stage's first start to its last completion or failure (to now while it runs), in pipeline order.</summary>
    public static IReadOnlyList<StageTime> StageTimes(StudyRecord study, DateTimeOffset now)
    {
        var times = new List<StageTime>();
        foreach (var stage in study.Transitions.GroupBy(t => t.Stage).OrderBy(g => g.Key))
        {
            var started = stage.Where(t => t.Outcome == StageOutcome.Started).Select(t => (DateTimeOffset?)t.At).Min() ?? stage.Min(t => t.At);
            var ended = stage.Where(t => t.Outcome != StageOutcome.Started).Select(t => (DateTimeOffset?)t.At).Max();
            var running = ended is null && study.Status is not (StudyStatus.Completed or StudyStatus.Failed);
            times.Add(new StageTime(stage.Key.ToString(), Math.Max(0, ((ended ?? (running ? now : started)) - started).TotalSeconds), running));
        }

        return times;
    }

    /// <summary>Each configured destination with its latest attempt, and destinations no longer configured that were tried.</summary>
    public static IReadOnlyList<ExportStatus> Exports(IReadOnlyList<ExportDestination> destinations, IReadOnlyList<ExportAttempt> attempts)
    {
        var rows = new List<ExportStatus>();
        foreach (var name in destinations.Select(d => d.Name).Concat(attempts.Select(a => a.Destination)).Distinct(StringComparer.Ordinal))
        {
            var kind = destinations.FirstOrDefault(d => d.Name == name)?.Kind.ToString() ?? "no longer configured";
            var tried = attempts.Where(a => a.Destination == name).ToList();
            rows.Add(tried.Count == 0
                ? new ExportStatus(name, kind, "not sent", 0, null, null)
                : new ExportStatus(name, kind, tried[^1].Outcome switch { ExportOutcome.Stored => "stored", ExportOutcome.Retrying => "retrying", _ => "gave up" }, tried.Count, tried[^1].At, tried[^1].Detail));
        }

        return rows;
    }

    public static string? LastFailure(StudyRecord study) =>
        study.Transitions.LastOrDefault(t => t.Outcome == StageOutcome.Failed) is { } failed ? $"{failed.Stage}: {failed.Detail}" : null;
}
