using System.Runtime;

namespace Spine.Training;

/// <summary>
/// TorchSharp hands temporary Scalar objects to native code without keeping them alive; a garbage collection during
/// the native call frees them ("argument alpha must not be a floating point number", crashes in BatchNorm and Adam).
/// Finalizers queued by an earlier collection are run to the end first, then collections are held back for the length
/// of a training step or forward pass, so that no finalizer runs while native code uses those temporaries.
/// The no-GC region is process-wide: guarded steps run one at a time (a second one starting would collect and end the
/// first's region), and other threads allocating past the budget end it too, so a process that trains should not do
/// heavy work beside it (the training tests run one at a time for this reason). A step is never run unguarded: when
/// the runtime refuses the region, or the region ends before the step does, the step is refused with the reason
/// (<see cref="GcGuardException"/>) instead of risking a silently corrupted result.
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
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            throw new GcGuardException("a no-GC region is already in force (another guard or code outside GcGuard): the step was not run.");
        }

        if (!GC.TryStartNoGCRegion(Budget))
        {
            throw new GcGuardException($"the runtime refused a no-GC region of {Budget / (1024 * 1024)} MiB: the step was not run.");
        }

        GC.WaitForPendingFinalizers();
        T result;
        var regionHeld = true;
        try
        {
            result = step();
        }
        finally
        {
            // The region ends early when its budget is spent (by this step or another thread): a collection may then
            // have freed a temporary that native code was using.
            regionHeld = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
            if (regionHeld)
            {
                GC.EndNoGCRegion();
            }
        }

        return regionHeld
            ? result
            : throw new GcGuardException($"the no-GC region ended during the step: more than {Budget / (1024 * 1024)} MiB was allocated meanwhile, so a collection may have freed a temporary that native code was using; the step's result is not trusted.");
    }
}

/// <summary>A training step that could not run under the guard, or lost it before the end; its result is not to be used.</summary>
public sealed class GcGuardException(string message) : Exception(message);
