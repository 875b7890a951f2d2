using System.Globalization;
using Spine.Contracts.V1;

namespace Spine.Evaluation.Validation;

/// <summary>
/// Reads radiologists' readings: one row per study, level, finding and reader, with a header naming the columns (in any
/// order) <c>study</c>, <c>level</c>, <c>finding</c>, <c>grade</c>, <c>reader</c> and, optionally, <c>scale</c> (4 or 3).
/// docs/validation.md describes the file and docs/examples/readings.csv is one. A row that cannot be read is reported by
/// file, line and column and left out; the rest are read.
/// </summary>
public static class ReadingsCsv
{
    private static readonly string[] Required = ["study", "level", "finding", "grade", "reader"];

    public static ReadingSet Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var name = Path.GetFileName(path);
        if (!File.Exists(path))
        {
            return new ReadingSet([], [new InputProblem(name, null, null, "file not found")]);
        }

        var records = Csv.Read(path);
        if (records.Count == 0)
        {
            return new ReadingSet([], [new InputProblem(name, null, null, "empty: a header and one row per reading expected")]);
        }

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var missing = Required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            return new ReadingSet([], [new InputProblem(name, records[0].Line, null, $"header lacks the column{(missing.Count == 1 ? string.Empty : "s")} {string.Join(", ", missing)} (expected {string.Join(",", Required)}[,scale])")]);
        }

        int Column(string column) => header.IndexOf(column);
        var scaleColumn = Column("scale");
        var readings = new List<Reading>();
        var problems = new List<InputProblem>();
        var seen = new Dictionary<(string, SpinalLevel, ReadFinding, string), int>();
        foreach (var record in records.Skip(1))
        {
            InputProblem Problem(string? column, string reason) => new(name, record.Line, column, reason);
            string Field(string column) => Column(column) < record.Fields.Count ? record.Fields[Column(column)].Trim() : string.Empty;
            if (record.Fields.Count != header.Count)
            {
                problems.Add(Problem(null, string.Create(CultureInfo.InvariantCulture, $"{record.Fields.Count} fields where the header has {header.Count}")));
                continue;
            }

            var study = Field("study");
            var reader = Field("reader");
            int? scale = null;
            if (scaleColumn >= 0 && record.Fields[scaleColumn].Trim() is { Length: > 0 } scaleText)
            {
                scale = scaleText switch { "4" => 4, "3" => 3, _ => null };
                if (scale is null)
                {
                    problems.Add(Problem("scale", $"'{scaleText}' is not a scale: 4 (normal, mild, moderate, severe) or 3 (normal/mild, moderate, severe)"));
                    continue;
                }
            }

            var level = ReadingVocabulary.Level(Field("level"));
            var finding = ReadingVocabulary.Finding(Field("finding"));
            var grade = ReadingVocabulary.Grade(Field("grade"), scale);
            var problem = study.Length == 0 ? Problem("study", "empty: the StudyInstanceUID or the study's folder name")
                : reader.Length == 0 ? Problem("reader", "empty: the reader's id")
                : level is null ? Problem("level", $"'{Field("level")}' is not a level (L1-L2 .. L5-S1)")
                : finding is null ? Problem("finding", $"'{Field("finding")}' is not a finding (central_canal, foramen_left, foramen_right, facet_left, facet_right)")
                : grade is null ? Problem("grade", $"'{Field("grade")}' is not a grade on the {(scale == 3 ? "3-point scale (normal/mild, moderate, severe or 0-2)" : "4-point scale (normal, mild, moderate, severe or 0-3)")}")
                : null;
            if (problem is not null)
            {
                problems.Add(problem);
                continue;
            }

            var key = (study, level!.Value, finding!.Value, reader);
            if (seen.TryGetValue(key, out var earlier))
            {
                problems.Add(Problem(null, string.Create(CultureInfo.InvariantCulture, $"reader {reader} graded {finding.Value.Name()} at {level.Value.Name()} of {study} already on line {earlier}; the first is kept")));
                continue;
            }

            seen[key] = record.Line;
            readings.Add(new Reading(study, level.Value, finding.Value, grade!.Value.Grade, grade.Value.Scale, reader, record.Line));
        }

        return new ReadingSet(readings, problems);
    }
}
