using System.Globalization;
using System.Text;
using Spine.Contracts.V1;

namespace Spine.Phantom;

/// <summary>
/// The simulated readers' grades of phantom studies as a readings file for <c>spine validate</c> (docs/validation.md):
/// one row per study, level, finding and reader (readers R1, R2, R3; R1 is the adjudicator). Levels the readers could
/// not grade (a metal artefact) are left out, as a radiologist leaves them blank; a 1.x study, which has no readers,
/// is read by one reader, "reference".
/// </summary>
public static class PhantomReadings
{
    private static readonly (string Name, FindingKind Kind, Side Side)[] Findings =
    [
        ("central_canal", FindingKind.CentralCanalStenosis, Side.None),
        ("foramen_left", FindingKind.ForaminalStenosis, Side.Left),
        ("foramen_right", FindingKind.ForaminalStenosis, Side.Right),
        ("facet_left", FindingKind.FacetArthropathy, Side.Left),
        ("facet_right", FindingKind.FacetArthropathy, Side.Right),
    ];

    /// <param name="studies">Each study's name in the readings (its folder name) and its ground truth.</param>
    public static string ToCsv(IEnumerable<(string Study, GroundTruth Truth)> studies)
    {
        ArgumentNullException.ThrowIfNull(studies);
        var csv = new StringBuilder("study,level,finding,grade,reader\n");
        foreach (var (study, truth) in studies)
        {
            foreach (var level in truth.Levels.Where(l => l.Assessable))
            {
                var readers = level.Readers is { Count: > 0 } r
                    ? r.Select((grades, i) => (Reader: string.Create(CultureInfo.InvariantCulture, $"R{i + 1}"), Grades: grades))
                    : [("reference", level.Grades)];
                foreach (var (reader, grades) in readers)
                {
                    foreach (var (name, kind, side) in Findings)
                    {
                        csv.Append(CultureInfo.InvariantCulture, $"{study},{level.Level.Name()},{name},{grades.Of(kind, side)},{reader}\n");
                    }
                }
            }
        }

        return csv.ToString();
    }

    /// <summary>
    /// Writes studies as a site exports them for <c>spine validate</c>: <c>studies/SEED/</c> (each study's DICOM
    /// series), <c>readings.csv</c> (the simulated readers' grades, studies named by folder) and <c>truth/SEED/</c>
    /// (ground truth and label maps). Study n uses seed + n.
    /// </summary>
    /// <param name="progress">Called with the number of studies written so far, after each.</param>
    public static IReadOnlyList<GroundTruth> WriteValidationSet(string root, int studies, int seed, PhantomOptions options, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(options);
        var truths = new List<(string, GroundTruth)>();
        Directory.CreateDirectory(Path.Combine(root, "studies"));
        for (var n = 0; n < studies; n++)
        {
            var name = (seed + n).ToString(CultureInfo.InvariantCulture);
            var study = PhantomGenerator.Generate(options with { Seed = seed + n });
            var scratch = Path.Combine(root, "truth", name);
            PhantomWriter.WriteStudy(study, scratch);
            Directory.Move(Path.Combine(scratch, "dicom"), Path.Combine(root, "studies", name));
            truths.Add((name, study.Truth));
            progress?.Invoke(n + 1);
        }

        File.WriteAllText(Path.Combine(root, "readings.csv"), ToCsv(truths));
        return [.. truths.Select(t => t.Item2)];
    }
}
