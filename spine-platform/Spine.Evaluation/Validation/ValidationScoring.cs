using Spine.Contracts.V1;

namespace Spine.Evaluation.Validation;

/// <summary>
/// Scores the platform's reports against radiologists' readings. Each finding a reader graded is paired with what the
/// platform said; the reference is the readers' majority (a grade more readers gave than any other; on a tie, the
/// adjudicator's grade when the adjudicator read it, otherwise the lower median). A finding group is scored on RSNA's
/// three points when any of its readings is on them (the platform's grades and the other readings are then merged the
/// same way). A level the readers graded and the platform did not is scored as a refusal (normal, every grade equally
/// likely), as <c>spine evaluate</c> scores it, and listed; readings of a failed study are listed, not scored.
/// </summary>
public static class ValidationScoring
{
    private static readonly ReadFinding[] AllFindings = Enum.GetValues<ReadFinding>();
    private static readonly double[] Unsure = [0.25, 0.25, 0.25, 0.25];

    public static ValidationReport Score(IReadOnlyList<ValidatedStudy> studies, ReadingSet readings, string? adjudicator = null, int replicates = Bootstrap.DefaultReplicates)
    {
        ArgumentNullException.ThrowIfNull(studies);
        ArgumentNullException.ThrowIfNull(readings);
        var readers = readings.Readings.Select(r => r.Reader).Distinct(StringComparer.Ordinal).ToList();
        adjudicator ??= readers.FirstOrDefault();
        var byKey = new Dictionary<string, (ValidatedStudy Study, int Index)>(StringComparer.Ordinal);
        for (var i = 0; i < studies.Count; i++)
        {
            byKey.TryAdd(studies[i].StudyInstanceUid, (studies[i], i));
            byKey.TryAdd(studies[i].Folder, (studies[i], i));
        }

        var threePoint = readings.Readings.Where(r => r.Scale == 3).Select(r => r.Finding.Group()).ToHashSet(StringComparer.Ordinal);
        var graded = new List<(GradedFinding Finding, IReadOnlyDictionary<string, int> ByReader)>();
        var discordances = new List<Discordance>();
        var failed = new Dictionary<string, FailedStudy>(StringComparer.Ordinal);
        var unassessed = new Dictionary<(string, SpinalLevel), UnassessedLevel>();
        var unmatched = new Dictionary<string, UnmatchedStudy>(StringComparer.Ordinal);
        var matched = new HashSet<int>();

        foreach (var group in readings.Readings.GroupBy(r => (r.Study, r.Level, r.Finding)).OrderBy(g => g.Min(r => r.Line)))
        {
            var (studyKey, level, finding) = group.Key;
            if (!byKey.TryGetValue(studyKey, out var found))
            {
                var earlier = unmatched.GetValueOrDefault(studyKey);
                unmatched[studyKey] = new UnmatchedStudy(studyKey, (earlier?.Readings ?? 0) + group.Count(), earlier?.FirstLine ?? group.Min(r => r.Line));
                continue;
            }

            matched.Add(found.Index);
            var study = found.Study;
            if (study.Report is null)
            {
                var earlier = failed.GetValueOrDefault(study.Folder);
                failed[study.Folder] = new FailedStudy(study.Folder, study.StudyId, study.Failure ?? "no report", (earlier?.ReadingsNotScored ?? 0) + group.Count());
                continue;
            }

            var scale = threePoint.Contains(finding.Group()) ? 3 : 4;
            var byReader = group.ToDictionary(r => r.Reader, r => scale == 3 && r.Scale == 4 ? RsnaMetric.Severity(r.Grade) : r.Grade, StringComparer.Ordinal);
            var majority = Majority(byReader, adjudicator);
            var (kind, side) = finding.InReport();
            var levelReport = study.Report.Levels.FirstOrDefault(l => l.Level == level);
            var platform = levelReport?.Findings.FirstOrDefault(f => f.Kind == kind && f.Side == side);
            int predicted;
            IReadOnlyList<double> probabilities;
            if (platform is null)
            {
                var reason = levelReport is null ? "level not reported by the platform" : levelReport.NotAssessableReason ?? "finding not reported";
                var earlier = unassessed.GetValueOrDefault((study.Folder, level));
                unassessed[(study.Folder, level)] = new UnassessedLevel(study.Folder, level.Name(), reason, (earlier?.Readings ?? 0) + group.Count());
                (predicted, probabilities) = (0, Unsure);
            }
            else
            {
                (predicted, probabilities) = (platform.Grade, platform.GradeProbabilities);
            }

            var item = new GradedFinding(finding.Group(), found.Index, 0, predicted, probabilities, null, []);
            if (scale == 3)
            {
                item = GradedFinding.OnThreePoints(item);
            }

            item = item with
            {
                Reference = majority,
                Readers = readers.All(byReader.ContainsKey) && readers.Count >= 2 ? [.. readers.Select(r => byReader[r])] : null,
            };
            graded.Add((item, byReader));
            if (platform is not null && Discordant(item) is { } why)
            {
                discordances.Add(new Discordance(study.Folder, study.StudyId, level.Name(), finding.Name(), scale, item.Predicted, majority, byReader,
                    Math.Round(item.ModerateOrWorse, 4), why, study.Images?.GetValueOrDefault(ValidatedStudy.ImageKey(level, finding))));
            }
        }

        var findings = graded.Select(g => g.Finding).ToList();
        var scored = new[] { "central_canal", "foramen", "facet" }
            .Where(group => findings.Any(f => f.Key == group))
            .Select(group =>
            {
                var ofGroup = graded.Where(x => x.Finding.Key == group).ToList();
                var perReader = readers
                    .Select(reader => (reader, ofGroup.Where(x => x.ByReader.ContainsKey(reader)).Select(x => x.Finding with { Reference = x.ByReader[reader], Readers = null }).ToList()))
                    .Where(x => x.Item2.Count > 0)
                    .Select(x => new ReaderScores(x.reader, FindingScoring.Score(group, x.Item2, replicates)))
                    .ToList();
                return new ValidationFinding(group, FindingScoring.Score(group, [.. ofGroup.Select(x => x.Finding)], replicates), perReader);
            })
            .ToList();

        var canal = findings.Where(f => f.Key == "central_canal").ToList();
        var foramen = findings.Where(f => f.Key == "foramen").ToList();
        return new ValidationReport
        {
            Studies = studies.Count,
            StudiesReported = studies.Count(s => s.Report is not null),
            Readings = readings.Readings.Count,
            Readers = readers,
            Adjudicator = adjudicator,
            Models = [.. studies.Select(s => s.Report).OfType<StudyReport>().SelectMany(r => r.Models).Select(m => $"{m.Name} {m.Version}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            Findings = scored,
            Discordances = [.. discordances.OrderBy(d => d.Study, StringComparer.Ordinal).ThenBy(d => d.Level, StringComparer.Ordinal).ThenBy(d => d.Finding, StringComparer.Ordinal)],
            FailedStudies = [.. failed.Values, .. studies.Where(s => s.Report is null && !failed.ContainsKey(s.Folder)).Select(s => new FailedStudy(s.Folder, s.StudyId, s.Failure ?? "no report", 0))],
            NotAssessed = [.. unassessed.Values],
            UnmatchedReadings = [.. unmatched.Values],
            StudiesWithoutReadings = [.. studies.Where((_, i) => !matched.Contains(i)).Select(s => s.Folder)],
            Problems = [.. readings.Problems.Select(p => p.ToString())],
            BootstrapReplicates = replicates,
            Rsna = canal.Count + foramen.Count == 0 ? null : new RsnaScores(RsnaMetric.LogLoss(canal), RsnaMetric.LogLoss(foramen), RsnaMetric.AnySevereSpinal(canal), null)
            {
                SpinalCanalInterval = Bootstrap.Of(canal, RsnaMetric.LogLoss, replicates),
                NeuralForamenInterval = Bootstrap.Of(foramen, RsnaMetric.LogLoss, replicates),
            },
        };
    }

    /// <summary>The readers' majority grade; on a tie the adjudicator's, else the lower median.</summary>
    public static int Majority(IReadOnlyDictionary<string, int> byReader, string? adjudicator)
    {
        ArgumentNullException.ThrowIfNull(byReader);
        var counts = byReader.Values.GroupBy(g => g).Select(g => (Grade: g.Key, Count: g.Count())).OrderByDescending(g => g.Count).ToList();
        if (counts.Count == 1 || counts[0].Count > counts[1].Count)
        {
            return counts[0].Grade;
        }

        if (adjudicator is not null && byReader.TryGetValue(adjudicator, out var adjudicated))
        {
            return adjudicated;
        }

        var sorted = byReader.Values.Order().ToList();
        return sorted[(sorted.Count - 1) / 2];
    }

    /// <summary>Why the platform's grade and the majority's are discordant, or null when they are not.</summary>
    public static string? Discordant(GradedFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        var difference = Math.Abs(finding.Predicted - finding.Reference);
        return difference >= 2 ? $"{difference} grades apart"
            : difference == 1 && (finding.Predicted >= finding.ModerateGrade) != (finding.Reference >= finding.ModerateGrade) ? "one grade apart, across the moderate threshold"
            : null;
    }
}
