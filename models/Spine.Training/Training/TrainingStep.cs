using TorchSharp;
using static TorchSharp.torch;

namespace Spine.Training;

/// <summary>One optimiser step, guarded against the garbage-collection race, that stops training when the loss is not finite.</summary>
internal static class TrainingStep
{
    /// <param name="loss">Builds the step's loss from tensors it creates; they are freed when the step ends.</param>
    public static float Run(optim.Optimizer optimizer, int step, Func<Tensor> loss)
    {
        var value = GcGuard.Run(() =>
        {
            optimizer.zero_grad();
            float result;

            // The scope frees this step's activations; the optimizer steps outside it, because the moment estimates
            // it creates on its first step must outlive the step.
            using (torch.NewDisposeScope())
            {
                var total = loss();
                total.backward();
                result = total.item<float>();
            }

            optimizer.step();
            return result;
        });

        // Stop rather than export a broken model (see OneDnnIsaCap for the cause this was once due to).
        return float.IsFinite(value)
            ? value
            : throw new TrainingDivergedException($"training stopped: the loss is {value} at step {step}; no model was written. Try a lower --learning-rate.");
    }
}
