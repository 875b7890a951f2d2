using Microsoft.Extensions.Options;
using Spine.Analysis.Models;
using Spine.Platform.Models;

namespace Spine.Segmentation;

/// <summary>
/// The segmenter session, created once per process from the newest segmentation model under <c>Spine:Models:Root</c>
/// (its SHA-256 checked), on the CPU or on CUDA (<c>Spine:Models:ExecutionProvider</c>), and the batcher that feeds it.
/// CUDA asked of the CPU build, or a GPU that does not start, fails with the reason rather than running on the CPU
/// unnoticed. The service loads it when it
/// starts (<see cref="SegmenterWarmup"/>), so a wrong model or provider stops the pod before it takes messages.
/// </summary>
public sealed class SegmenterHost : IAsyncDisposable
{
    private readonly Lazy<SegmenterSession> _session;

    public SegmenterHost(IOptions<ModelsOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _session = new Lazy<SegmenterSession>(() =>
        {
            var model = ModelFolder.FindLatest(settings.Root, ModelTasks.Segmentation)
                ?? throw new ModelFolderException($"{settings.Root}: no segmentation model (Spine:Models:Root).");
            var device = settings.ExecutionProvider == "Cuda" ? OnnxDevice.Cuda : OnnxDevice.Cpu;
            try
            {
                return new SegmenterSession(model, settings.Threads, device, settings.CudaDeviceId);
            }
            catch (OnnxDeviceException e)
            {
                throw new OnnxDeviceException($"Spine:Models:ExecutionProvider is {settings.ExecutionProvider}. {e.Message}", e);
            }
        });
        Batcher = new SliceBatcher((slices, width, height) => Session.SegmentSlices(slices, width, height), settings.BatchSize,
            TimeSpan.FromMilliseconds(settings.BatchWindowMilliseconds), time);
    }

    public SegmenterSession Session => _session.Value;

    public SliceBatcher Batcher { get; }

    public async ValueTask DisposeAsync()
    {
        await Batcher.DisposeAsync();
        if (_session.IsValueCreated)
        {
            _session.Value.Dispose();
        }
    }
}
