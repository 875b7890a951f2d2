using Microsoft.Extensions.Options;
using Spine.Analysis.Models;
using Spine.Platform.Models;

namespace Spine.Segmentation;

/// <summary>
/// The segmenter session, created once per process from the newest segmentation model under <c>Spine:Models:Root</c>
/// (its SHA-256 checked), and the batcher that feeds it. Only the CPU provider is in this build: asking for CUDA fails
/// with a message saying which build has it, rather than running on the CPU unnoticed. The service loads it when it
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
            if (settings.ExecutionProvider == "Cuda")
            {
                throw new InvalidOperationException(
                    "Spine:Models:ExecutionProvider is Cuda, but this build carries the CPU ONNX Runtime only; run the GPU image of the segmentation service (issue 8) or set it to Cpu.");
            }

            var model = ModelFolder.FindLatest(settings.Root, ModelTasks.Segmentation)
                ?? throw new ModelFolderException($"{settings.Root}: no segmentation model (Spine:Models:Root).");
            return new SegmenterSession(model, settings.Threads);
        });
        Batcher = new SliceBatcher((slices, width, height) => Session.Segment(slices, width, height), settings.BatchSize,
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
