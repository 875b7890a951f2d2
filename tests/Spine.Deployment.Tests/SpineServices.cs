using MassTransit;
using Spine.Cli;

namespace Spine.Deployment.Tests;

/// <summary>The six services as the code defines them: name, and the RabbitMQ queues their consumers read.</summary>
internal static class SpineServices
{
    public static IReadOnlyList<string> Names { get; } = [.. SpineModules.Pipeline.Select(m => m.Name)];

    /// <summary>Queue names as the bus names them (kebab case, no namespace, no prefix), one per consumer of the service.</summary>
    public static IReadOnlyList<string> Queues(string service)
    {
        var formatter = new KebabCaseEndpointNameFormatter(null, includeNamespace: false);
        var name = typeof(KebabCaseEndpointNameFormatter).GetMethods().Single(m => m.Name == nameof(formatter.Consumer) && m.IsGenericMethod && m.GetParameters().Length == 0);
        return [.. ServiceAssembly(service).GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IConsumer).IsAssignableFrom(t))
            .Select(t => (string)name.MakeGenericMethod(t).Invoke(formatter, null)!)
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>The assembly of a service module, found from the consumers its module registers.</summary>
    private static System.Reflection.Assembly ServiceAssembly(string service) =>
        SpineModules.Pipeline.Single(m => m.Name == service).AddConsumers.Method.DeclaringType!.Assembly;
}
