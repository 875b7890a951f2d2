using System.Collections.Concurrent;
using Spine.Analysis.Models;
using Spine.Phantom;
using Spine.Segmentation;
using Spine.Testing;

namespace Spine.Segmentation.Tests;

public sealed class SliceBatcherTests
{
    [Fact]
    public async Task Slices_of_two_studies_waiting_together_run_as_one_batch_and_get_the_labels_they_would_get_alone()
    {
        var model = ModelFolder.FindLatest(Path.Combine(RepositoryLayout.Root, "models"), ModelTasks.Segmentation)!;
        using var session = new SegmenterSession(model, threads: 2);
        var (first, width, height) = Slices(919191);
        var (second, _, _) = Slices(919192);
        var runs = new ConcurrentQueue<int>();
        await using var batcher = new SliceBatcher(session.SegmentSlices, batchSize: 16, TimeSpan.FromMilliseconds(500), TimeProvider.System);
        batcher.BatchRun += runs.Enqueue;

        var together = await Task.WhenAll(batcher.SegmentAsync(first, width, height), batcher.SegmentAsync(second, width, height));

        Assert.Equal([first.Count + second.Count], runs);
        var alone = session.Segment(first, width, height);
        Assert.Equal(alone.Length, together[0].Count);
        for (var i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i], together[0][i].Labels);
            Assert.Contains((byte)3, alone[i]);
        }
    }

    [Fact]
    public async Task Batches_hold_at_most_the_batch_size_of_one_slice_size_and_answer_each_slice_in_order()
    {
        var runs = new ConcurrentQueue<(int Count, int Width)>();
        await using var batcher = new SliceBatcher(
            (slices, width, _) =>
            {
                runs.Enqueue((slices.Count, width));
                return slices.Select(s => new SegmentedSlice([(byte)s[0]], 1, 1)).ToList();
            },
            batchSize: 8, TimeSpan.FromMilliseconds(50), TimeProvider.System);

        var small = Enumerable.Range(0, 20).Select(i => new float[] { i, 0, 0, 0 }).ToList();
        var large = Enumerable.Range(100, 3).Select(i => Enumerable.Repeat((float)i, 16).ToArray()).ToList();
        var answers = await Task.WhenAll(batcher.SegmentAsync(small, 2, 2), batcher.SegmentAsync(large, 4, 4));

        Assert.Equal(Enumerable.Range(0, 20).Select(i => (byte)i), answers[0].Select(a => a.Labels[0]));
        Assert.Equal(Enumerable.Range(100, 3).Select(i => (byte)i), answers[1].Select(a => a.Labels[0]));
        Assert.All(runs, run => Assert.InRange(run.Count, 1, 8));
        Assert.Equal(20, runs.Where(r => r.Width == 2).Sum(r => r.Count));
        Assert.Equal(3, runs.Where(r => r.Width == 4).Sum(r => r.Count));
    }

    [Fact]
    public async Task A_failing_run_fails_the_slices_in_it_and_the_next_batch_still_runs()
    {
        var calls = 0;
        await using var batcher = new SliceBatcher(
            (slices, _, _) => Interlocked.Increment(ref calls) == 1
                ? throw new InvalidOperationException("model session lost")
                : slices.Select(_ => new SegmentedSlice([1], 1, 1)).ToList(),
            batchSize: 4, TimeSpan.Zero, TimeProvider.System);

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => batcher.SegmentAsync([new float[1]], 1, 1));
        var next = await batcher.SegmentAsync([new float[1], new float[1]], 1, 1);

        Assert.Equal("model session lost", failure.Message);
        Assert.Equal(2, next.Count);
    }

    /// <summary>The L4-L5 slab of a phantom study, its slices scaled to 0..1 as preprocessing would present them.</summary>
    private static (List<float[]> Slices, int Width, int Height) Slices(int seed)
    {
        var slab = PhantomGenerator.Generate(new PhantomOptions { Seed = seed, Distractors = false, Version = PhantomOptions.Version1 }).Slabs[3].Image;
        var max = Enumerable.Range(0, slab.SizeK).Max(k => slab.Slice(k).ToArray().Max());
        return (Enumerable.Range(0, slab.SizeK).Select(k => slab.Slice(k).ToArray().Select(v => v / max).ToArray()).ToList(), slab.SizeI, slab.SizeJ);
    }
}
