using Spine.Training;
using Spine.Training.Networks;
using TorchSharp;

namespace Spine.Training.Tests;

/// <summary>The guard that keeps the garbage collector away from TorchSharp's temporaries during a training step.</summary>
public sealed class GcGuardTests
{
    [Fact]
    public void Guarded_steps_hold_while_the_process_allocates_heavily_between_them()
    {
        torch.random.manual_seed(3);
        using var model = new BitGrader(width: 8, blocksPerStage: 1, groups: 4);
        var optimizer = torch.optim.Adam(model.parameters(), lr: 1e-3);
        model.train();
        var garbage = new List<byte[]>();
        var losses = new List<float>();

        // Unguarded, this pattern (Adam and group norm with collections forced between native calls) crashed every
        // stressed training run; guarded, every step runs whole.
        for (var step = 0; step < 150; step++)
        {
            losses.Add(TrainingStep.Run(optimizer, step, () => torch.nn.functional.cross_entropy(model.forward(torch.rand(4, 1, 32, 32)), torch.tensor(new long[] { 0, 1, 2, 3 }))));
            garbage.Add(new byte[4 * 1024 * 1024]);
            if (garbage.Count > 8)
            {
                garbage.Clear();
                GC.Collect();
            }
        }

        Assert.Equal(150, losses.Count);
        Assert.All(losses, loss => Assert.True(float.IsFinite(loss), $"loss {loss}"));
    }

    [Fact]
    public void A_step_that_outgrows_its_no_gc_region_is_refused_with_the_reason()
    {
        var error = Assert.Throws<GcGuardException>(() => GcGuard.Run(() =>
        {
            var chunks = new List<byte[]>();
            for (var i = 0; i < 40; i++)
            {
                chunks.Add(new byte[4 * 1024 * 1024]);
            }

            return chunks.Count;
        }));

        Assert.Contains("ended during the step", error.Message, StringComparison.Ordinal);
    }
}
