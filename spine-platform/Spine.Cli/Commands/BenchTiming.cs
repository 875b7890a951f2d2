using System.Diagnostics;

namespace Spine.Cli.Commands;

internal static class BenchTiming
{
    /// <summary>Median wall time of <paramref name="repeat"/> runs, after one warm-up run.</summary>
    public static double MedianMilliseconds(int repeat, Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        action();
        var times = new double[repeat];
        for (var i = 0; i < repeat; i++)
        {
            var start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[repeat / 2];
    }
}
