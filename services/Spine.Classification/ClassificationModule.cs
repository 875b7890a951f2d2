using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spine.Analysis.Models;
using Spine.Platform.Hosting;
using Spine.Platform.Models;

namespace Spine.Classification;

public static class ClassificationModule
{
    public static SpineServiceModule Module { get; } = new(
        "classification",
        "Classification: measurements, region rules, CNN graders and the decision tree per level; publishes FindingsClassified.",
        bus => bus.AddConsumer<ClassificationConsumer>(),
        builder =>
        {
            builder.AddSpineModelsOptions();
            builder.Services.TryAddSingleton<GraderHost>();
        });
}
