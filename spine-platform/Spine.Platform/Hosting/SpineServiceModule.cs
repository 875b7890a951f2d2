using MassTransit;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Spine.Platform.Hosting;

/// <summary>
/// A service that <c>spine serve</c> can host: its consumers and the services they need. The same module runs in the
/// embedded mode (all modules, in-memory transport) and alone in its own process (RabbitMQ).
/// </summary>
/// <param name="MapEndpoints">HTTP endpoints the service answers when hosted by <c>spine serve</c> (beside /health).</param>
public sealed record SpineServiceModule(
    string Name,
    string Description,
    Action<IBusRegistrationConfigurator> AddConsumers,
    Action<IHostApplicationBuilder>? AddServices = null,
    Action<IEndpointRouteBuilder>? MapEndpoints = null);
