using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Spine.Platform.Hosting;

/// <summary>
/// A service that <c>spine serve</c> can host: its consumers and the services they need. The same module runs in the
/// embedded mode (all modules, in-memory transport) and alone in its own process (RabbitMQ).
/// </summary>
public sealed record SpineServiceModule(
    string Name,
    string Description,
    Action<IBusRegistrationConfigurator> AddConsumers,
    Action<IHostApplicationBuilder>? AddServices = null);
