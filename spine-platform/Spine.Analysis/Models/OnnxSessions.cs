using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace Spine.Analysis.Models;

/// <summary>Creates ONNX Runtime sessions for model folders on the CPU with a fixed thread count.</summary>
internal static class OnnxSessions
{
    public static InferenceSession Create(ModelFolder model, int threads)
    {
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
        return new InferenceSession(model.Content, options);
    }
}

/// <summary>Time spent inside ONNX Runtime's Run, summed, so that the platform's overhead can be told from inference.</summary>
public sealed class InferenceClock
{
    private long _ticks;
    private int _runs;

    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(0, Interlocked.Read(ref _ticks));

    public int Runs => Volatile.Read(ref _runs);

    internal T Time<T>(Func<T> run)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            return run();
        }
        finally
        {
            Interlocked.Add(ref _ticks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _runs);
        }
    }
}
