using Spine.Platform.Hosting;
using Spine.Platform.Models;

namespace Spine.Preprocessing;

public static class PreprocessingModule
{
    public static SpineServiceModule Module { get; } = new(
        "preprocessing",
        "Preprocessing: chooses the axial T2 series, splits it into named disc slabs, resamples and normalises them, publishes VolumePrepared.",
        bus => bus.AddConsumer<PreprocessingConsumer>(),
        builder => builder.AddSpineModelsOptions());
}
