using System.Globalization;
using Spine.Cli.Commands;
using Spine.Training.Networks;

namespace Spine.Training.Commands;

/// <summary>
/// Training under a bar of its steps (<see cref="CommandProgress.Track{T}"/>): on a terminal the latest loss beside the
/// bar and each epoch's validation scores above it; elsewhere the same as log lines.
/// </summary>
internal static class TrainingProgress
{
    public static (VNet2d Model, IReadOnlyList<double> Losses) Segmenter(SliceSet data, SegmenterOptions options, string indent = "") =>
        CommandProgress.Track("segmenter", options.Steps, tracker => SegmenterTrainer.Train(data, options with
        {
            Progress = (step, loss) =>
            {
                tracker.Advance(step);
                tracker.Status(indent + string.Create(CultureInfo.InvariantCulture, $"step {step,6}  loss {loss:0.0000}"));
            },
            EpochProgress = log =>
            {
                tracker.Advance(log.Step);
                tracker.Line(indent + log);
            },
        }));

    public static BitGrader Grader(string name, GraderSampleSet data, GraderOptions options, string indent = "") =>
        CommandProgress.Track($"{name} grader", options.Steps, tracker => GraderTrainer.Train(data, options with
        {
            Progress = log =>
            {
                tracker.Advance(log.Step);
                tracker.Line(indent + log);
            },
        }));
}
