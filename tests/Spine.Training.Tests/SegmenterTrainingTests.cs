using System.Runtime.InteropServices;
using Spine.Phantom;
using Spine.Testing;
using Spine.Training.Networks;

namespace Spine.Training.Tests;

/// <summary>A short training run on phantom slabs: the smoke version of retraining that CI can afford.</summary>
public sealed class SegmenterTrainingTests
{
    [Fact]
    public void Short_training_run_on_phantom_slabs_lowers_the_loss_and_exports_a_model_that_runs()
    {
        var root = Directory.CreateTempSubdirectory("spine-segmenter-").FullName;
        try
        {
            PhantomDataset.Write(Path.Combine(root, "data"), studies: 1, seed: 31);
            var data = SliceSet.Load(Path.Combine(root, "data"));

            var (model, losses) = SegmenterTrainer.Train(data, new SegmenterOptions { Steps = 40, BatchSize = 4, Crop = 96, BaseChannels = 8, Levels = 3, Seed = 5, Threads = 2 });
            var manifest = SegmenterExport.Write(model, Path.Combine(root, "model"), "smoke", "0.0.1", 0.6875, "smoke test");

            Assert.All(losses, loss => Assert.True(float.IsFinite((float)loss)));
            Assert.True(losses.TakeLast(10).Average() < losses.Take(5).Average() * 0.8, $"loss went from {losses.Take(5).Average():0.000} to {losses.TakeLast(10).Average():0.000}");
            using (var session = new Microsoft.ML.OnnxRuntime.InferenceSession(Path.Combine(root, "model", manifest.File)))
            {
                Assert.Equal("probabilities", session.OutputMetadata.Keys.Single());
            }

            var scores = SegmenterEvaluation.Evaluate(Path.Combine(root, "model"), Path.Combine(root, "data"));
            Assert.Equal(5, scores.Cases);
            Assert.Equal(["canal_and_foramina", "intervertebral_disc", "posterior_element", "thecal_sac"], scores.Dice.Keys.Order());

            // Forty steps make no usable segmenter, and the evaluation says so: the reference segmenter, scored by the
            // same code on the same slabs, outlines sac and disc, and scores above the smoke model on every structure.
            var reference = SegmenterEvaluation.Evaluate(Path.Combine(RepositoryLayout.Root, "models", "spine-vnet-segmenter", "0.1.0"), Path.Combine(root, "data"));
            Assert.True(reference.Dice["thecal_sac"] >= 0.9 && reference.Dice["intervertebral_disc"] >= 0.9, string.Join(", ", reference.Dice.Select(d => $"{d.Key} {d.Value:0.000}")));
            Assert.All(scores.Dice, smoke => Assert.True(smoke.Value < reference.Dice[smoke.Key], $"{smoke.Key}: smoke model {smoke.Value:0.000}, reference {reference.Dice[smoke.Key]:0.000}"));

            // A model file that does not match its manifest is refused.
            File.AppendAllText(Path.Combine(root, "model", manifest.File), "tampered");
            var error = Assert.Throws<Spine.Analysis.Models.ModelFolderException>(() => SegmenterEvaluation.Evaluate(Path.Combine(root, "model"), Path.Combine(root, "data")));
            Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void OneDnn_is_capped_to_avx2_in_the_native_environment_once_the_training_assembly_has_loaded()
    {
        var before = Environment.GetEnvironmentVariable(OneDnnIsaCap.Variable, EnvironmentVariableTarget.Process);
        using var model = new VNet2d(classes: 5, baseChannels: 4, levels: 2); // any use loads the assembly and runs its initializer

        // libtorch reads the C library's environment, not .NET's copy of it.
        Assert.Equal(before ?? OneDnnIsaCap.Value, NativeEnvironment.Get(OneDnnIsaCap.Variable));
    }
}

internal static partial class NativeEnvironment
{
    public static string? Get(string name) => Marshal.PtrToStringUTF8(GetEnv(name));

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr GetEnv(string name);
}
