using System.Runtime;

namespace Spine.Training;

/// <summary>
/// TorchSharp hands temporary Scalar objects to native code without keeping them alive; a garbage collection during
/// the native call frees them ("argument alpha must not be a floating point number", crashes in BatchNorm and Adam).
/// Finalizers queued by an earlier collection are run to the end first, then collections are held back for the length
/// of a training step or forward pass, so that no finalizer runs while native code uses those temporaries.
/// The no-GC region is process-wide: guarded steps run one at a time (a second one starting would collect and end the
/// first's region), and other threads allocating past the budget end it too, so a process that trains should not do
/// heavy work beside it (the training tests run one at a time for this reason).
/// </summary>
internal static class GcGuard
{
    private const long Budget = 64L * 1024 * 1024; // managed allocation of one step is far below this

    private static readonly Lock OneStepAtATime = new();

    public static T Run<T>(Func<T> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        lock (OneStepAtATime)
        {
            return RunAlone(step);
        }
    }

    private static T RunAlone<T>(Func<T> step)
    {
        // Starting a no-GC region collects first, and what that collection finds is finalized on another thread:
        // collect and drain the finalizers before, and drain again after, so none runs during the step.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var held = GCSettings.LatencyMode != GCLatencyMode.NoGCRegion && GC.TryStartNoGCRegion(Budget);
        GC.WaitForPendingFinalizers();
        try
        {
            return step();
        }
        finally
        {
            if (held && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
            {
                GC.EndNoGCRegion();
            }
        }
    }
}
