using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Preprocessing;

public static class PreprocessingModule
{
    public static SpineServiceModule Module { get; } = new(
        "preprocessing",
        "Preprocessing: chooses the axial T2 series, splits it into named disc slabs, resamples and normalises them, publishes VolumePrepared.",
        bus => bus.AddConsumer<PreprocessingConsumer>(),
        builder => builder.Services.AddOptions<ModelsOptions>()
            .BindConfiguration(ModelsOptions.Section)
            .Validate(o => Directory.Exists(o.Root), $"{ModelsOptions.Section}:Root names a folder that does not exist.")
            .ValidateOnStart());
}
