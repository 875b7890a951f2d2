using System.CommandLine;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Platform.Diagnostics;
using Spine.Platform.Hosting;
using Spine.Platform.Messaging;
using Spine.Platform.Storage;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine probe</c>: checks a deployment end to end. Stores a random payload, asks the probe service (running with
/// <c>spine serve --services probe</c>) to read it back over the bus, and prints one JSON line with what came back.
/// </summary>
internal static class ProbeCommand
{
    public static Command Create()
    {
        var size = new Option<int>("--size-mb") { Description = "Payload size in MiB.", DefaultValueFactory = _ => 1 };
        var timeout = new Option<int>("--timeout-seconds") { Description = "How long to wait for the answer.", DefaultValueFactory = _ => 120 };
        var command = new Command("probe", "Check broker, storage and tracing of a deployment with a round trip through the probe service.")
        {
            size,
            timeout,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
            RunAsync(parse.GetValue(size), TimeSpan.FromSeconds(parse.GetValue(timeout)), parse.UnmatchedTokens, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(int sizeMiB, TimeSpan timeout, IReadOnlyList<string> hostArguments, CancellationToken cancellationToken)
    {
        if (sizeMiB is < 0 or > 4096)
        {
            await Console.Error.WriteLineAsync("spine probe: --size-mb must be between 0 and 4096.");
            return ExitCodes.Usage;
        }

        var builder = Host.CreateApplicationBuilder([.. hostArguments]);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSpineDefaults("spine-probe");
        builder.AddSpineObjectStore();
        var inMemory = builder.Configuration.GetSection(BusOptions.Section).GetValue(nameof(BusOptions.Transport), BusTransport.InMemory) == BusTransport.InMemory;
        builder.AddSpineBus(bus =>
        {
            bus.AddRequestClient<ProbeRequested>(RequestTimeout.After(s: (int)timeout.TotalSeconds));
            if (inMemory)
            {
                // Nothing outside this process can answer on the in-memory transport, so the probe answers itself.
                ProbeModule.Module.AddConsumers(bus);
            }
        });
        builder.Services.AddSingleton<DeploymentProbe>();
        builder.Services.Configure<MassTransitHostOptions>(host => host.WaitUntilStarted = true);

        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        try
        {
            var result = await host.Services.GetRequiredService<DeploymentProbe>().RunAsync(sizeMiB * 1024L * 1024L, cancellationToken);
            Console.WriteLine(JsonSerializer.Serialize(result, CliJsonContext.Default.ProbeResult));
            return result.Succeeded ? ExitCodes.Success : ExitCodes.Failure;
        }
        catch (RequestTimeoutException)
        {
            await Console.Error.WriteLineAsync($"spine probe: no answer within {timeout.TotalSeconds:0} s; is `spine serve --services probe` running on the same broker?");
            return ExitCodes.Failure;
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
        }
    }
}
