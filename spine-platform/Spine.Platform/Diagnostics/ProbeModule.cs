using MassTransit;
using Spine.Platform.Hosting;

namespace Spine.Platform.Diagnostics;

public static class ProbeModule
{
    /// <summary>The probe consumer, hostable with <c>spine serve --services probe</c>.</summary>
    public static SpineServiceModule Module { get; } = new(
        "probe",
        "Deployment probe: reads back payloads that `spine probe` stores and answers over the bus (checks broker, storage and tracing).",
        bus => bus.AddConsumer<ProbeConsumer>());
}
