using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Platform.Hosting;

namespace Spine.Cli.Commands;

/// <summary>
/// The six services in one process: in-memory transport, filesystem store and SQLite ledger under a data folder, and
/// a listener that records each study's outcome (its report or its failure) by StudyId.
/// </summary>
internal static class EmbeddedPipeline
{
    /// <param name="settings">Further settings (a bench's concurrency, for example), over the environment's.</param>
    public static async Task<(IHost Host, ConcurrentDictionary<Guid, object> Outcomes)> StartAsync(string data, string models, CancellationToken cancellationToken, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // The command's own choices (its data folder, its --models) come last, so they win over the environment.
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(data, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
            ["Spine:Models:Root"] = models,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        var outcomes = new ConcurrentDictionary<Guid, object>();
        builder.Services.AddSingleton(outcomes);
        SpineServiceModule[] modules =
        [
            .. SpineModules.Pipeline,
            new("outcomes", "records each study's report or failure", bus =>
            {
                bus.AddConsumer<OutcomeListener<StudyReportPublished>>();
                bus.AddConsumer<OutcomeListener<StudyFailed>>();
            }),
        ];
        builder.AddSpinePlatform(modules, "spine-embedded");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        try
        {
            StartupErrors.ValidateOptions(host.Services);
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return (host, outcomes);
    }

    /// <summary>Waits until every study has an outcome or the time is up; <paramref name="progress"/> hears each new one.</summary>
    public static async Task WaitAsync(ConcurrentDictionary<Guid, object> outcomes, IReadOnlyCollection<Guid> studies, TimeSpan within, Action<int>? progress, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + within;
        var shown = 0;
        while (studies.Any(id => !outcomes.ContainsKey(id)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20, cancellationToken);
            var done = studies.Count(outcomes.ContainsKey);
            if (done > shown)
            {
                shown = done;
                progress?.Invoke(done);
            }
        }
    }

    private sealed class OutcomeListener<T>(ConcurrentDictionary<Guid, object> outcomes) : IConsumer<T>
        where T : class, IStudyMessage
    {
        public Task Consume(ConsumeContext<T> context)
        {
            outcomes.TryAdd(context.Message.StudyId, context.Message);
            return Task.CompletedTask;
        }
    }
}
