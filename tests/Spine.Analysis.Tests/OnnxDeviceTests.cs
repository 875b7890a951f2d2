using Spine.Analysis.Models;
using Spine.Testing;

namespace Spine.Analysis.Tests;

public sealed class OnnxDeviceTests
{
    private static ModelFolder Segmenter =>
        ModelFolder.FindLatest(Path.Combine(RepositoryLayout.Root, "models"), ModelTasks.Segmentation)!;

    [Fact]
    public void Cuda_asked_of_the_cpu_flavour_is_refused_naming_the_providers_it_has_and_the_image_that_has_cuda()
    {
        var error = Assert.Throws<OnnxDeviceException>(() => new SegmenterSession(Segmenter, threads: 1, OnnxDevice.Cuda));

        Assert.Contains("CPUExecutionProvider", error.Message, StringComparison.Ordinal);
        Assert.Contains("VARIANT=gpu", error.Message, StringComparison.Ordinal);
    }
}
