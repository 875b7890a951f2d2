using Spine.Imaging;

namespace Spine.Evaluation;

/// <summary>
/// Dice of every structure over a dataset: per case (every slice of the case together) and pooled over all pixels,
/// with 95 % bootstrap intervals of the per-case mean (resampling studies).
/// </summary>
public sealed class DiceTally
{
    private readonly IReadOnlyDictionary<int, string> _names;
    private readonly Dictionary<int, Counts> _pooled;
    private readonly Dictionary<int, List<(int Study, double Dice)>> _perCase;

    /// <param name="labels">Structure name to label value (background left out).</param>
    public DiceTally(IEnumerable<KeyValuePair<string, int>> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        _names = labels.Where(l => l.Value > 0).ToDictionary(l => l.Value, l => l.Key);
        _pooled = _names.Keys.ToDictionary(l => l, _ => new Counts());
        _perCase = _names.Keys.ToDictionary(l => l, _ => new List<(int, double)>());
    }

    /// <summary>One case: its reference label map and the predicted label map of each slice.</summary>
    public void Add(int study, Volume<float> reference, IReadOnlyList<byte[]> predicted)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(predicted);
        var caseCounts = _names.Keys.ToDictionary(l => l, _ => new Counts());
        for (var k = 0; k < reference.SizeK; k++)
        {
            var truth = reference.Slice(k);
            for (var p = 0; p < truth.Length; p++)
            {
                var (actual, guess) = ((int)truth[p], (int)predicted[k][p]);
                foreach (var (label, counts) in caseCounts)
                {
                    counts.Add(guess == label, actual == label);
                    _pooled[label].Add(guess == label, actual == label);
                }
            }
        }

        foreach (var (label, counts) in caseCounts)
        {
            _perCase[label].Add((study, counts.Dice));
        }
    }

    public IReadOnlyDictionary<string, double> MeanPerCase =>
        _perCase.ToDictionary(p => _names[p.Key], p => Math.Round(p.Value.Count == 0 ? 0 : p.Value.Average(v => v.Dice), 4));

    public IReadOnlyDictionary<string, double> Pooled => _pooled.ToDictionary(p => _names[p.Key], p => Math.Round(p.Value.Dice, 4));

    public IReadOnlyDictionary<string, Interval> Intervals(int replicates) =>
        _perCase.Select(p => (Name: _names[p.Key], Interval: Bootstrap.OfMean(p.Value, replicates)))
            .Where(p => p.Interval is not null)
            .ToDictionary(p => p.Name, p => p.Interval!);

    private sealed class Counts
    {
        private long _both, _predicted, _truth;

        public void Add(bool predicted, bool truth)
        {
            _both += predicted && truth ? 1 : 0;
            _predicted += predicted ? 1 : 0;
            _truth += truth ? 1 : 0;
        }

        /// <summary>1 when the structure is absent from both (nothing to miss, nothing invented).</summary>
        public double Dice => _predicted + _truth == 0 ? 1 : 2.0 * _both / (_predicted + _truth);
    }
}
