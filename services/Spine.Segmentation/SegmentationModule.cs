using Microsoft.Extensions.DependencyInjection;
using Spine.Platform.Hosting;
using Spine.Platform.Models;

namespace Spine.Segmentation;

public static class SegmentationModule
{
    public static SpineServiceModule Module { get; } = new(
        "segmentation",
        "Segmentation: the V-Net under ONNX Runtime on every prepared slab; one label map per slab; publishes SegmentationCompleted.",
        bus => bus.AddConsumer<SegmentationConsumer>(),
        builder =>
        {
            builder.AddSpineModelsOptions();
            builder.Services.AddSingleton<SegmenterHost>();
            builder.Services.AddHostedService<SegmenterWarmup>();
        });
}
