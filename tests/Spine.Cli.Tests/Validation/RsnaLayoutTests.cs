using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Evaluation.Formats;
using Spine.Evaluation.Validation;
using Spine.Phantom;
using Spine.Testing;

namespace Spine.Cli.Tests.Validation;

/// <summary>
/// The RSNA 2024 layout, written here from phantom studies as the competition's description lays it out (train.csv with
/// one column per condition and level, train_series_descriptions.csv, train_images/STUDY/SERIES/INSTANCE.dcm), with the
/// faults a real export has: a malformed row, a grade RSNA does not use, a study without an axial T2 series and one
/// whose series folder is missing.
/// </summary>
public sealed class RsnaLayoutTests : IDisposable
{
    private static readonly string[] Conditions = ["spinal_canal_stenosis", "left_neural_foraminal_narrowing", "right_neural_foraminal_narrowing", "left_subarticular_stenosis", "right_subarticular_stenosis"];
    private static readonly string[] Levels = ["l1_l2", "l2_l3", "l3_l4", "l4_l5", "l5_s1"];
    private readonly string _root = Directory.CreateTempSubdirectory("spine-rsna-").FullName;

    /// <summary>Writes the layout; returns the phantoms by RSNA study id.</summary>
    private Dictionary<string, GroundTruth> WriteLayout()
    {
        var truths = new Dictionary<string, GroundTruth>(StringComparer.Ordinal);
        var grades = new StringBuilder("study_id," + string.Join(',', Conditions.SelectMany(c => Levels.Select(l => $"{c}_{l}"))) + "\n");
        var series = new StringBuilder("study_id,series_id,series_description\n");
        for (var n = 0; n < 2; n++)
        {
            var phantom = PhantomGenerator.Generate(new PhantomOptions { Seed = 941000 + n });
            var study = (4000 + n).ToString(CultureInfo.InvariantCulture);
            truths[study] = phantom.Truth;
            var axial = phantom.Series.Single(s => s.SeriesInstanceUid == phantom.Truth.AxialT2SeriesInstanceUid);
            var folder = Path.Combine(_root, "train_images", study, $"{study}2");
            Directory.CreateDirectory(folder);
            foreach (var image in axial.Images)
            {
                DicomWriter.WriteFile(Path.Combine(folder, $"{image.GetInt32(DicomTags.InstanceNumber)}.dcm"), image);
            }

            series.Append(CultureInfo.InvariantCulture, $"{study},{study}1,Sagittal T1\n{study},{study}2,Axial T2\n{study},{study}3,Sagittal T2/STIR\n");
            grades.Append(study);
            foreach (var condition in Conditions)
            {
                foreach (var level in Levels)
                {
                    var truth = phantom.Truth.Levels.Single(l => l.Level == ReadingVocabulary.Level(level));
                    var grade = condition switch
                    {
                        "spinal_canal_stenosis" => truth.Grades.CentralCanal,
                        "left_neural_foraminal_narrowing" => truth.Grades.ForaminalLeft,
                        "right_neural_foraminal_narrowing" => truth.Grades.ForaminalRight,
                        _ => 0,
                    };
                    grades.Append(',').Append(n == 1 && condition == Conditions[0] && level == "l1_l2" ? "Mild" : new[] { "Normal/Mild", "Normal/Mild", "Moderate", "Severe" }[grade]);
                }
            }

            grades.Append('\n');
        }

        // 4002: no axial T2 series described; 4003: described, but its folder is missing; then a row cut short.
        var normal = string.Concat(Enumerable.Repeat(",Normal/Mild", Conditions.Length * Levels.Length));
        grades.Append(CultureInfo.InvariantCulture, $"4002{normal}\n4003{normal}\n4004,Normal/Mild,Moderate\n");
        series.Append("4002,40021,Sagittal T1\n4003,40032,Axial T2\n");
        File.WriteAllText(Path.Combine(_root, "train.csv"), grades.ToString());
        File.WriteAllText(Path.Combine(_root, "train_series_descriptions.csv"), series.ToString());
        File.WriteAllText(Path.Combine(_root, "train_label_coordinates.csv"), "study_id,series_id,instance_number,condition,level,x,y\n");
        return truths;
    }

    [Fact]
    public void The_reader_takes_the_axial_t2_series_and_the_graded_conditions_and_names_every_fault_by_file_line_and_column()
    {
        var truths = WriteLayout();

        var dataset = RsnaLayout.Read(_root);

        Assert.True(RsnaLayout.Recognise(_root));
        Assert.Equal(["4000", "4001", "4002", "4003"], dataset.Studies.Select(s => s.StudyId));
        Assert.Equal(Path.Combine(_root, "train_images", "4000", "40002"), dataset.Studies[0].SeriesFolder);
        Assert.Equal("no series described as 'Axial T2' in train_series_descriptions.csv", dataset.Studies[2].Problem);
        Assert.Equal("train_images/4003/40032: folder not found", dataset.Studies[3].Problem);
        Assert.Equal(["left_subarticular_stenosis", "right_subarticular_stenosis"], dataset.NotGraded);
        Assert.Equal(
            [
                "train.csv, line 3, column 'spinal_canal_stenosis_l1_l2': 'Mild' is not Normal/Mild, Moderate or Severe",
                "train.csv, line 6: 3 fields where the header has 26",
            ],
            dataset.Readings.Problems.Select(p => p.ToString()));

        // 3 graded conditions x 5 levels for each of four studies, less the one bad cell.
        Assert.Equal((4 * 15) - 1, dataset.Readings.Readings.Count);
        Assert.All(dataset.Readings.Readings, r => Assert.Equal((3, RsnaLayout.Reader), (r.Scale, r.Reader)));
        var canal = dataset.Readings.Readings.Single(r => r.Study == "4000" && r.Level == SpinalLevel.L4L5 && r.Finding == ReadFinding.CentralCanal);
        Assert.Equal(RsnaMetric(truths["4000"].Levels.Single(l => l.Level == SpinalLevel.L4L5).Grades.CentralCanal), canal.Grade);
    }

    private static int RsnaMetric(int grade) => Spine.Evaluation.RsnaMetric.Severity(grade);

    [Fact]
    [Trait(TestTraits.Category, TestTraits.Integration)]
    public async Task Spine_validate_recognises_the_layout_scores_on_rsnas_three_grades_and_lists_what_it_could_not_score()
    {
        WriteLayout();
        var output = Path.Combine(_root, "out");

        await using var spine = await SpineProcess.RunAsync(["validate", "--studies", _root, "--out", output], TimeSpan.FromMinutes(5));

        Assert.True(spine.ExitCode == 0, spine.StandardError);
        Assert.Contains("an RSNA 2024 layout", spine.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("train.csv, line 6: 3 fields where the header has 26", spine.StandardError, StringComparison.Ordinal);
        var report = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "validation.json")))!;
        Assert.Equal(2, report["studiesReported"]!.GetValue<int>());
        var findings = report["findings"]!.AsArray();
        Assert.Equal(["central_canal", "foramen"], findings.Select(f => f!["group"]!.GetValue<string>()));
        Assert.All(findings, f => Assert.Equal(3, f!["againstMajority"]!["classes"]!.GetValue<int>()));
        Assert.Equal(9, findings[0]!["againstMajority"]!["cases"]!.GetValue<int>()); // two studies, five levels, one bad cell
        Assert.True(report["rsna"]!["spinalCanal"]!.GetValue<double>() > 0);
        Assert.Equal(["left_subarticular_stenosis", "right_subarticular_stenosis"], report["notGraded"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(
            ["4002: no series described as 'Axial T2' in train_series_descriptions.csv", "4003: train_images/4003/40032: folder not found"],
            report["failedStudies"]!.AsArray().Select(f => $"{f!["study"]}: {f["reason"]}").Order(StringComparer.Ordinal));
        Assert.Contains("Not graded by the platform: left_subarticular_stenosis, right_subarticular_stenosis.", await File.ReadAllTextAsync(Path.Combine(output, "validation.md")), StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
