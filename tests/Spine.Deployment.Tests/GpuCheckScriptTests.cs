using Spine.Testing;

namespace Spine.Deployment.Tests;

/// <summary>
/// tests/gpu/check.sh rehearsed on the CPU (SPINE_GPU_CHECK_DEVICE=cpu, the built spine, two studies): every step but
/// the CUDA one runs as on a GPU machine and writes what it measured. No GPU is on the build machine: the CUDA step
/// itself has run only where a GPU was lent (README, "Throughput").
/// </summary>
public sealed class GpuCheckScriptTests
{
    [Fact]
    public async Task Gpu_check_rehearsed_on_the_cpu_finds_parity_times_each_batch_and_reports_every_study()
    {
        var output = Directory.CreateTempSubdirectory("spine-gpu-check-").FullName;
        try
        {
            var (exitCode, log) = await ExternalTool.RunAsync("bash", [Path.Combine(RepositoryLayout.Root, "tests", "gpu", "check.sh"), output], TimeSpan.FromMinutes(8),
                environment: new Dictionary<string, string?>
                {
                    ["SPINE_GPU_CHECK_DEVICE"] = "cpu",
                    ["SPINE_GPU_CHECK_SPINE"] = RepositoryLayout.SpineCli,
                    ["SPINE_GPU_CHECK_STUDIES"] = "2",
                    ["SPINE_GPU_CHECK_CONCURRENCY"] = "2",
                    ["SPINE_GPU_CHECK_BATCHES"] = "1 2",
                    ["Spine__Models__Root"] = Path.Combine(RepositoryLayout.Root, "models"),
                });

            Assert.True(exitCode == 0, log);
            var summary = await File.ReadAllTextAsync(Path.Combine(output, "summary.md"));
            Assert.Contains("## spine bench cuda (exit 0)", summary, StringComparison.Ordinal);
            // Two CPU sessions of one model agree exactly; what is checked is that the comparison ran and was judged.
            Assert.Matches(@"\| largest difference of a class probability, Cpu vs CPU \| 0\.0e\+0 \| <= 1e-3 \| yes \|", summary);
            Assert.Matches(@"\| lowest Dice of a structure's label map, Cpu vs CPU \([a-z ]+\) \| 1\.0000 \| >= 0\.999 \| yes \|", summary);
            Assert.Matches(@"\| 1 \| \d+\.\d\d \| \d+ \| \d\.\d{3} \|", summary);
            Assert.Matches(@"\| 2 \| \d+\.\d\d \| \d+ \| \d\.\d{3} \|", summary);
            Assert.Contains("## spine bench throughput (exit 0)", summary, StringComparison.Ordinal);
            Assert.Matches(@"\| embedded \(one process\) \| 2 of 2 \| \d+\.\d \| \d+ \| \d\.\d\d \| \d+\.\d \| \d+\.\d \| \d+\.\d \|", summary);
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
