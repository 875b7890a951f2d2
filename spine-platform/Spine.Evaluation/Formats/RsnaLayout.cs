using System.Globalization;
using Spine.Contracts.V1;
using Spine.Evaluation.Validation;

namespace Spine.Evaluation.Formats;

/// <summary>One study of an RSNA-layout dataset: the folder of its axial T2 series, or why there is none.</summary>
public sealed record RsnaStudy(string StudyId, string? SeriesFolder, string? Problem);

/// <summary>An RSNA-layout dataset as the validation takes it: studies, readings (one reader, "rsna", on three points) and the conditions the platform does not grade.</summary>
public sealed record RsnaDataset(IReadOnlyList<RsnaStudy> Studies, ReadingSet Readings, IReadOnlyList<string> NotGraded);

/// <summary>
/// Reads the layout of RSNA 2024 Lumbar Spine Degenerative Classification (docs/formats/rsna-2024.md): train.csv (one
/// row per study, one column per condition and level, values Normal/Mild, Moderate, Severe or empty),
/// train_series_descriptions.csv (study_id, series_id, series_description) and DICOM under
/// train_images/STUDY/SERIES/INSTANCE.dcm. The series described as <see cref="AxialT2Description"/> is the one analysed.
/// Every detail of the format is in this file; train_label_coordinates.csv (where the readers clicked) is not needed
/// to score grades and is not read.
/// </summary>
public static class RsnaLayout
{
    public const string Grades = "train.csv";
    public const string SeriesDescriptions = "train_series_descriptions.csv";
    public const string Images = "train_images";
    public const string AxialT2Description = "Axial T2";

    /// <summary>The reader id the RSNA labels are given under (RSNA's labels are one reading per finding).</summary>
    public const string Reader = "rsna";

    // RSNA's condition prefixes and the platform's findings; null: a condition the platform does not grade.
    private static readonly (string Prefix, ReadFinding? Finding)[] Conditions =
    [
        ("spinal_canal_stenosis", ReadFinding.CentralCanal),
        ("left_neural_foraminal_narrowing", ReadFinding.ForamenLeft),
        ("right_neural_foraminal_narrowing", ReadFinding.ForamenRight),
        ("left_subarticular_stenosis", null),
        ("right_subarticular_stenosis", null),
    ];

    /// <summary>Whether a folder looks like an RSNA-layout dataset.</summary>
    public static bool Recognise(string folder) =>
        File.Exists(Path.Combine(folder, Grades)) && File.Exists(Path.Combine(folder, SeriesDescriptions));

    public static RsnaDataset Read(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var problems = new List<InputProblem>();
        var readings = new List<Reading>();
        var notGraded = new SortedSet<string>(StringComparer.Ordinal);
        var grades = Csv.Read(Path.Combine(folder, Grades));
        var studyIds = new List<string>();
        if (grades.Count == 0)
        {
            problems.Add(new InputProblem(Grades, null, null, "empty"));
        }
        else
        {
            var header = grades[0].Fields.Select(f => f.Trim()).ToList();
            if (!header.Contains("study_id"))
            {
                problems.Add(new InputProblem(Grades, grades[0].Line, "study_id", "the header has no study_id column"));
                header.Clear();
            }

            var columns = header.Select((name, index) => (name, index, Parsed: Column(name))).Where(c => c.name != "study_id").ToList();
            foreach (var column in columns.Where(c => c.Parsed is null))
            {
                problems.Add(new InputProblem(Grades, grades[0].Line, column.name, "not a condition and level column (CONDITION_l1_l2 .. CONDITION_l5_s1); ignored"));
            }

            foreach (var column in columns.Where(c => c.Parsed is { Finding: null }))
            {
                notGraded.Add(column.Parsed!.Value.Condition);
            }

            foreach (var record in grades.Skip(1).Where(_ => header.Count > 0))
            {
                if (record.Fields.Count != header.Count)
                {
                    problems.Add(new InputProblem(Grades, record.Line, null, string.Create(CultureInfo.InvariantCulture, $"{record.Fields.Count} fields where the header has {header.Count}")));
                    continue;
                }

                var study = record.Fields[header.IndexOf("study_id")].Trim();
                if (study.Length == 0)
                {
                    problems.Add(new InputProblem(Grades, record.Line, "study_id", "empty"));
                    continue;
                }

                studyIds.Add(study);
                foreach (var (name, index, parsed) in columns)
                {
                    var value = record.Fields[index].Trim();
                    if (parsed is not { Finding: { } finding } || value.Length == 0)
                    {
                        continue; // a condition the platform does not grade, or a level RSNA left unlabelled
                    }

                    if (ReadingVocabulary.Grade(value, 3) is not { } grade)
                    {
                        problems.Add(new InputProblem(Grades, record.Line, name, $"'{value}' is not Normal/Mild, Moderate or Severe"));
                        continue;
                    }

                    readings.Add(new Reading(study, parsed.Value.Level, finding, grade.Grade, 3, Reader, record.Line));
                }
            }
        }

        var axial = AxialSeries(folder, problems);
        var studies = studyIds.Distinct(StringComparer.Ordinal).Select(study =>
        {
            if (!axial.TryGetValue(study, out var series))
            {
                return new RsnaStudy(study, null, $"no series described as '{AxialT2Description}' in {SeriesDescriptions}");
            }

            var path = Path.Combine(folder, Images, study, series);
            return Directory.Exists(path)
                ? new RsnaStudy(study, path, null)
                : new RsnaStudy(study, null, $"{Images}/{study}/{series}: folder not found");
        }).ToList();
        return new RsnaDataset(studies, new ReadingSet(readings, problems), [.. notGraded]);
    }

    /// <summary>study_id to the series_id of its axial T2 series (the first listed, when a study has several).</summary>
    private static Dictionary<string, string> AxialSeries(string folder, List<InputProblem> problems)
    {
        var axial = new Dictionary<string, string>(StringComparer.Ordinal);
        var records = Csv.Read(Path.Combine(folder, SeriesDescriptions));
        if (records.Count == 0)
        {
            problems.Add(new InputProblem(SeriesDescriptions, null, null, "empty"));
            return axial;
        }

        var header = records[0].Fields.Select(f => f.Trim()).ToList();
        var (study, series, description) = (header.IndexOf("study_id"), header.IndexOf("series_id"), header.IndexOf("series_description"));
        if (study < 0 || series < 0 || description < 0)
        {
            problems.Add(new InputProblem(SeriesDescriptions, records[0].Line, null, "the header needs study_id, series_id and series_description"));
            return axial;
        }

        foreach (var record in records.Skip(1))
        {
            if (record.Fields.Count != header.Count)
            {
                problems.Add(new InputProblem(SeriesDescriptions, record.Line, null, string.Create(CultureInfo.InvariantCulture, $"{record.Fields.Count} fields where the header has {header.Count}")));
                continue;
            }

            if (string.Equals(record.Fields[description].Trim(), AxialT2Description, StringComparison.OrdinalIgnoreCase))
            {
                axial.TryAdd(record.Fields[study].Trim(), record.Fields[series].Trim());
            }
        }

        return axial;
    }

    /// <summary>"spinal_canal_stenosis_l4_l5" to its condition, finding (null when not graded) and level.</summary>
    private static (string Condition, ReadFinding? Finding, SpinalLevel Level)? Column(string name)
    {
        foreach (var (prefix, finding) in Conditions)
        {
            if (name.StartsWith(prefix + "_", StringComparison.OrdinalIgnoreCase) && ReadingVocabulary.Level(name[(prefix.Length + 1)..]) is { } level)
            {
                return (prefix, finding, level);
            }
        }

        return null;
    }
}
