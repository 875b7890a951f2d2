using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Spine.Analysis.Models;
using Spine.Platform.Hosting;

namespace Spine.Segmentation;

/// <summary>
/// Dynamic batching of slices for the segmenter, across slabs and across studies: every consumer hands in its slices
/// and awaits their label maps; one loop gathers waiting slices of the same size into batches of up to
/// <see cref="BatchSize"/>, waiting at most <see cref="Window"/> for a batch to fill, and runs each batch once. On a
/// GPU, one batch of 16 costs little more than one slice, so studies arriving together share the device.
/// </summary>
public sealed class SliceBatcher : IAsyncDisposable
{
    private static readonly Histogram<int> BatchSizes = SpineTelemetry.Meter.CreateHistogram<int>(
        "spine.segmentation.batch.slices", "{slice}", "Slices per segmenter run, gathered across slabs and studies.");

    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<IReadOnlyList<float[]>, int, int, IReadOnlyList<SegmentedSlice>> _run;
    private readonly TimeProvider _time;
    private readonly Task _loop;

    /// <param name="run">Segments a batch of same-size slices (width, height), one label map per slice, in order.</param>
    public SliceBatcher(Func<IReadOnlyList<float[]>, int, int, IReadOnlyList<SegmentedSlice>> run, int batchSize, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _run = run;
        BatchSize = batchSize;
        Window = window;
        _time = time;
        _loop = Task.Run(LoopAsync);
    }

    public int BatchSize { get; }

    public TimeSpan Window { get; }

    /// <summary>Raised after each run with the number of slices it held (for tests and diagnostics).</summary>
    public event Action<int>? BatchRun;

    /// <summary>The label maps of <paramref name="slices"/> (all <paramref name="width"/> x <paramref name="height"/>), in order.</summary>
    public async Task<IReadOnlyList<SegmentedSlice>> SegmentAsync(IReadOnlyList<float[]> slices, int width, int height, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(slices);
        var requests = slices.Select(pixels => new Request(pixels, width, height, new TaskCompletionSource<SegmentedSlice>(TaskCreationOptions.RunContinuationsAsynchronously))).ToList();
        foreach (var request in requests)
        {
            await _requests.Writer.WriteAsync(request, cancellationToken);
        }

        return await Task.WhenAll(requests.Select(r => r.Result.Task)).WaitAsync(cancellationToken);
    }

    private async Task LoopAsync()
    {
        var carried = new Queue<Request>();
        var reader = _requests.Reader;
        while (carried.Count > 0 || await reader.WaitToReadAsync())
        {
            var first = carried.Count > 0 ? carried.Dequeue() : await reader.ReadAsync();
            var batch = new List<Request> { first };
            var deferred = new List<Request>();
            while (carried.TryDequeue(out var waiting))
            {
                (batch.Count < BatchSize && SameSize(waiting, first) ? batch : deferred).Add(waiting);
            }

            var started = _time.GetTimestamp();
            while (batch.Count < BatchSize)
            {
                if (reader.TryRead(out var next))
                {
                    (SameSize(next, first) ? batch : deferred).Add(next);
                    continue;
                }

                var left = Window - _time.GetElapsedTime(started);
                if (left <= TimeSpan.Zero || !await WaitForMoreAsync(reader, left))
                {
                    break;
                }
            }

            foreach (var request in deferred)
            {
                carried.Enqueue(request);
            }

            Run(batch);
        }
    }

    private static async Task<bool> WaitForMoreAsync(ChannelReader<Request> reader, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            return await reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Run(List<Request> batch)
    {
        try
        {
            var labels = _run(batch.Select(r => r.Pixels).ToList(), batch[0].Width, batch[0].Height);
            BatchSizes.Record(batch.Count);
            BatchRun?.Invoke(batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Result.TrySetResult(labels[i]);
            }
        }
        catch (Exception ex)
        {
            // Every study in the batch gets the error (its consumer retries or fails the study); the loop goes on.
            foreach (var request in batch)
            {
                request.Result.TrySetException(ex);
            }
        }
    }

    private static bool SameSize(Request a, Request b) => a.Width == b.Width && a.Height == b.Height;

    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop;
    }

    private sealed record Request(float[] Pixels, int Width, int Height, TaskCompletionSource<SegmentedSlice> Result);
}
