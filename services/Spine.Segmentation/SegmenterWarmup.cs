using Microsoft.Extensions.Hosting;

namespace Spine.Segmentation;

/// <summary>Opens the segmenter session when the service starts: a missing or altered model, or CUDA asked of the CPU build, stops the host with the reason.</summary>
internal sealed class SegmenterWarmup(SegmenterHost segmenter) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = segmenter.Session;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
