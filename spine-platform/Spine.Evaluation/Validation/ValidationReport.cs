using System.Text.Json.Serialization;
using Spine.Contracts.V1;

namespace Spine.Evaluation.Validation;

/// <summary>What the platform made of one study under validation: its report, or why there is none.</summary>
/// <param name="Folder">The study's folder under the validated folder (a readings file may name a study by it).</param>
/// <param name="Images">The overlay and heat map of each finding, as files beside the validation's output (relative paths).</param>
public sealed record ValidatedStudy(string Folder, string StudyInstanceUid, Guid StudyId, StudyReport? Report, string? Failure, IReadOnlyDictionary<string, FindingImages>? Images = null)
{
    /// <summary>The key of <see cref="Images"/> for a finding of a level.</summary>
    public static string ImageKey(SpinalLevel level, ReadFinding finding) => $"{level.Name()}/{finding.Name()}";
}

/// <summary>Where a finding's pictures are, relative to the validation's output folder.</summary>
public sealed record FindingImages(string? Overlay, string? HeatMap, string? Report);

/// <summary>One finding group's figures against the readers' majority and against each reader.</summary>
public sealed record ValidationFinding(string Group, FindingScores AgainstMajority, IReadOnlyList<ReaderScores> PerReader);

public sealed record ReaderScores(string Reader, FindingScores Scores);

/// <summary>
/// A finding where the platform and the readers' majority differ by two grades or more, or by one across the moderate
/// threshold (one of them moderate or worse, the other not): the cases a radiologist should look at first.
/// </summary>
public sealed record Discordance(
    string Study, Guid StudyId, string Level, string Finding, int Scale, int Platform, int Majority,
    IReadOnlyDictionary<string, int> Readers, double PlatformModerateOrWorse, string Why, FindingImages? Images);

public sealed record FailedStudy(string Study, Guid StudyId, string Reason, int ReadingsNotScored);

/// <summary>A level the readers graded and the platform did not (not assessable, or not found): scored as the platform's refusal.</summary>
public sealed record UnassessedLevel(string Study, string Level, string Reason, int Readings);

/// <summary>Readings that name a study the validation did not find (by StudyInstanceUID or folder name).</summary>
public sealed record UnmatchedStudy(string Study, int Readings, int FirstLine);

/// <summary>What <c>spine validate</c> reports: agreement of the platform with a site's own radiologists on its own studies.</summary>
public sealed record ValidationReport
{
    public required int Studies { get; init; }
    public required int StudiesReported { get; init; }
    public required int Readings { get; init; }
    public required IReadOnlyList<string> Readers { get; init; }
    public required string? Adjudicator { get; init; }
    public required IReadOnlyList<string> Models { get; init; }
    public required IReadOnlyList<ValidationFinding> Findings { get; init; }
    public required IReadOnlyList<Discordance> Discordances { get; init; }
    public required IReadOnlyList<FailedStudy> FailedStudies { get; init; }
    public required IReadOnlyList<UnassessedLevel> NotAssessed { get; init; }
    public required IReadOnlyList<UnmatchedStudy> UnmatchedReadings { get; init; }
    public required IReadOnlyList<string> StudiesWithoutReadings { get; init; }
    public required IReadOnlyList<string> Problems { get; init; }
    public required int BootstrapReplicates { get; init; }

    /// <summary>RSNA 2024's sample-weighted log loss of the conditions it shares with the platform, when the readings allow it.</summary>
    public RsnaScores? Rsna { get; init; }

    /// <summary>RSNA conditions present in the readings' source that the platform does not grade (subarticular stenosis).</summary>
    public IReadOnlyList<string>? NotGraded { get; init; }
}

[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ValidationReport))]
public sealed partial class ValidationReportJsonContext : JsonSerializerContext;
