using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Platform.Hosting;
using Spine.Platform.Security;

namespace Spine.Cli.Commands;

/// <summary><c>spine serve --services NAME[,NAME]</c>: hosts services' consumers with the platform defaults and health endpoints.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var services = new Option<string?>("--services")
        {
            Description = "Comma-separated services to host (see --list).",
        };
        var list = new Option<bool>("--list") { Description = "List the services this build can host." };
        var command = new Command("serve", "Host services on the configured bus, storage and ledger (configuration: Spine__* environment variables or --Spine:...=value).")
        {
            services,
            list,
        };

        // Anything else on the line (--urls, --Spine:Bus:Transport=RabbitMq...) is host configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction((parse, cancellationToken) =>
        {
            if (parse.GetValue(list))
            {
                WriteCatalog(Console.Out);
                return Task.FromResult(0);
            }

            return RunAsync(parse.GetValue(services), parse.UnmatchedTokens, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string? requested, IReadOnlyList<string> hostArguments, CancellationToken cancellationToken)
    {
        var names = (requested ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0)
        {
            await Console.Error.WriteLineAsync("spine serve: name the services to host with --services NAME[,NAME].");
            WriteCatalog(Console.Error);
            return ExitCodes.Usage;
        }

        var unknown = names.Where(name => SpineModules.Find(name) is null).ToList();
        if (unknown.Count > 0)
        {
            foreach (var name in unknown)
            {
                await Console.Error.WriteLineAsync($"spine serve: unknown service '{name}': it is not a Spine service.");
            }

            WriteCatalog(Console.Error);
            return ExitCodes.Usage;
        }

        var modules = names.Select(name => SpineModules.Find(name)!).DistinctBy(module => module.Name).ToList();
        var builder = WebApplication.CreateBuilder([.. hostArguments]);
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddSpinePlatform(modules, "spine-" + string.Join('+', modules.Select(module => module.Name)));

        var app = builder.Build();
        StartupErrors.ValidateOptions(app.Services);
        app.MapSpineEndpoints(modules);

        await app.RunAsync(cancellationToken);
        return ExitCodes.Success;
    }

    private static void WriteCatalog(TextWriter output)
    {
        output.WriteLine("Services this build can host:");
        foreach (var module in SpineModules.All)
        {
            output.WriteLine($"  {module.Name,-16} {module.Description}");
        }

    }
}
