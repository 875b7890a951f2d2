using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spine.Analysis.Models;
using Spine.Platform.Hosting;
using Spine.Platform.Models;

namespace Spine.Explanation;

public static class ExplanationModule
{
    public static SpineServiceModule Module { get; } = new(
        "explanation",
        "Explanation: rationale sentences, class activation heat maps and overlays for every finding; publishes ExplanationsReady.",
        bus => bus.AddConsumer<ExplanationConsumer>(),
        builder =>
        {
            builder.AddSpineModelsOptions();
            builder.Services.TryAddSingleton<GraderHost>();
        });
}
