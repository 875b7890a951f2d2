using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Platform.Messaging;

namespace Spine.Platform.Tests;

/// <summary>Builds hosts the way the services do, from configuration given as key/value pairs.</summary>
internal static class TestHosts
{
    public static HostApplicationBuilder Builder(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        return builder;
    }

    /// <summary>A started host with the bus on the configured transport and the given consumers.</summary>
    public static async Task<IHost> StartBusAsync(Dictionary<string, string?> settings, Action<IBusRegistrationConfigurator> addConsumers, Action<IServiceCollection>? addServices = null)
    {
        var builder = Builder(settings);
        addServices?.Invoke(builder.Services);
        builder.AddSpineBus(addConsumers);
        builder.Services.Configure<MassTransitHostOptions>(host => host.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static Dictionary<string, string?> RabbitMq(Uri url, string prefix) => new()
    {
        ["Spine:Bus:Transport"] = nameof(BusTransport.RabbitMq),
        ["Spine:Bus:RabbitMq:Url"] = url.ToString(),
        ["Spine:Bus:QueuePrefix"] = prefix,
    };

    /// <summary>Polls until <paramref name="condition"/> holds or the time is up; returns whether it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }
}
