using Spine.Contracts.V1;
using Spine.Evaluation.Validation;

namespace Spine.Evaluation.Tests.Validation;

public sealed class ValidationScoringTests
{
    private static readonly ModelInfo Model = new() { Name = "m", Version = "1", Sha256 = "0", TrainingData = "phantom" };

    private static Finding Graded(FindingKind kind, Side side, int grade)
    {
        var p = new double[4];
        p[grade] = 0.7;
        for (var g = 0; g < 4; g++)
        {
            p[g] = g == grade ? 0.7 : 0.1;
        }

        return new Finding { Kind = kind, Side = side, Grade = grade, GradeProbabilities = p, SignificantProbability = p[2] + p[3], Measurements = [], Model = Model };
    }

    private static StudyReport Report(string uid, params (SpinalLevel Level, int Canal, string? NotAssessable)[] levels) => new()
    {
        SchemaVersion = "1", StudyId = Guid.NewGuid(), StudyInstanceUid = uid, SeriesInstanceUid = uid + ".1", GeneratedAt = DateTimeOffset.UnixEpoch,
        Models = [Model], Disclaimer = "synthetic",
        Levels = [.. levels.Select(l => new LevelReport
        {
            Level = l.Level, LevelUncertain = false, Slices = new SliceSlab { FirstSlice = 1, SliceCount = 3 }, Measurements = [],
            NotAssessableReason = l.NotAssessable,
            Findings = l.NotAssessable is null ? [Graded(FindingKind.CentralCanalStenosis, Side.None, l.Canal)] : [],
        })],
    };

    private static Reading Canal(string study, SpinalLevel level, int grade, string reader, int line, int scale = 4) => new(study, level, ReadFinding.CentralCanal, grade, scale, reader, line);

    [Theory]
    [InlineData(new[] { 1, 1, 2 }, 1)]
    [InlineData(new[] { 0, 2, 3 }, 0)] // all differ: the adjudicator (R1)
    [InlineData(new[] { 3, 2 }, 3)] // two readers disagree: the adjudicator
    public void The_reference_is_the_readers_majority_and_the_adjudicator_breaks_ties(int[] grades, int expected)
    {
        var byReader = grades.Select((g, i) => ($"R{i + 1}", g)).ToDictionary(x => x.Item1, x => x.g);

        Assert.Equal(expected, ValidationScoring.Majority(byReader, "R1"));
    }

    [Fact]
    public void Without_the_adjudicators_reading_a_tie_takes_the_lower_median() =>
        Assert.Equal(2, ValidationScoring.Majority(new Dictionary<string, int> { ["R2"] = 3, ["R3"] = 2, ["R4"] = 2, ["R5"] = 3 }, "R1"));

    [Theory]
    [InlineData(0, 2, "2 grades apart")]
    [InlineData(1, 2, "one grade apart, across the moderate threshold")]
    [InlineData(2, 3, null)]
    [InlineData(0, 1, null)]
    public void Discordant_means_two_grades_apart_or_one_across_the_moderate_threshold(int platform, int majority, string? why) =>
        Assert.Equal(why, ValidationScoring.Discordant(new GradedFinding("central_canal", 0, majority, platform, [0.25, 0.25, 0.25, 0.25], null, [])));

    [Fact]
    public void Failed_studies_unassessed_levels_unmatched_readings_and_unread_studies_are_listed_never_dropped()
    {
        var studies = new List<ValidatedStudy>
        {
            new("a", "1.2.1", Guid.NewGuid(), Report("1.2.1", (SpinalLevel.L4L5, 2, null), (SpinalLevel.L5S1, 0, "metal artefact")), null),
            new("b", "1.2.2", Guid.NewGuid(), null, "failed in Preprocessing: NoUsableSeries: no axial T2"),
            new("c", "1.2.3", Guid.NewGuid(), Report("1.2.3", (SpinalLevel.L4L5, 0, null)), null),
        };
        var readings = new ReadingSet(
            [
                Canal("a", SpinalLevel.L4L5, 0, "R1", 2), Canal("1.2.1", SpinalLevel.L5S1, 3, "R1", 3), Canal("a", SpinalLevel.L1L2, 1, "R1", 4),
                Canal("b", SpinalLevel.L4L5, 1, "R1", 5), Canal("zzz", SpinalLevel.L4L5, 1, "R1", 6), Canal("zzz", SpinalLevel.L3L4, 1, "R1", 7),
            ],
            [new InputProblem("readings.csv", 9, "grade", "bad")]);

        var report = ValidationScoring.Score(studies, readings, replicates: 50);

        Assert.Equal(3, report.Findings.Single().AgainstMajority.Cases); // a's L4-L5, and L5-S1 and L1-L2 as refusals
        Assert.Equal(["a L5-S1: metal artefact (1 reading)", "a L1-L2: level not reported by the platform (1 reading)"],
            report.NotAssessed.Select(l => $"{l.Study} {l.Level}: {l.Reason} ({l.Readings} reading)"));
        Assert.Equal("failed in Preprocessing: NoUsableSeries: no axial T2", Assert.Single(report.FailedStudies).Reason);
        Assert.Equal(1, report.FailedStudies[0].ReadingsNotScored);
        Assert.Equal(new UnmatchedStudy("zzz", 2, 6), Assert.Single(report.UnmatchedReadings));
        Assert.Equal(["c"], report.StudiesWithoutReadings);
        Assert.Equal(["readings.csv, line 9, column 'grade': bad"], report.Problems);
        var discordance = Assert.Single(report.Discordances);
        Assert.Equal(("a", "L4-L5", 2, 0, "2 grades apart"), (discordance.Study, discordance.Level, discordance.Platform, discordance.Majority, discordance.Why));
    }

    [Fact]
    public void A_finding_read_on_three_points_is_scored_on_three_with_the_platforms_grades_merged_the_same_way()
    {
        var studies = new List<ValidatedStudy>
        {
            new("a", "1.1", Guid.NewGuid(), Report("1.1", (SpinalLevel.L1L2, 1, null), (SpinalLevel.L2L3, 3, null)), null),
            new("b", "1.2", Guid.NewGuid(), Report("1.2", (SpinalLevel.L1L2, 2, null), (SpinalLevel.L2L3, 0, null)), null),
        };
        var readings = new ReadingSet(
            [Canal("a", SpinalLevel.L1L2, 0, "rsna", 2, 3), Canal("a", SpinalLevel.L2L3, 2, "rsna", 3, 3), Canal("b", SpinalLevel.L1L2, 1, "rsna", 4, 3), Canal("b", SpinalLevel.L2L3, 0, "rsna", 5, 3)],
            []);

        var scores = ValidationScoring.Score(studies, readings, replicates: 50).Findings.Single().AgainstMajority;

        Assert.Equal(3, scores.Classes);
        Assert.Equal(1.0, scores.ExactAgreement); // mild (1) is normal/mild (0) on three points
        Assert.Equal([[2, 0, 0], [0, 1, 0], [0, 0, 1]], scores.ConfusionMatrix);
    }
}
