using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Platform.Hosting;
using Spine.Testing;

namespace Spine.Services.Tests;

/// <summary>
/// Services hosted as the embedded mode hosts them: filesystem store, SQLite ledger and in-memory bus (all real), in a
/// folder of the test's own, with a consumer that records every message of the given types.
/// </summary>
internal sealed class EmbeddedPlatform : IAsyncDisposable
{
    private EmbeddedPlatform(string root, IHost host, ConcurrentQueue<object> published) => (Root, Host, Published) = (root, host, published);

    public string Root { get; }

    public IHost Host { get; }

    public ConcurrentQueue<object> Published { get; }

    public T Service<T>() where T : notnull => Host.Services.GetRequiredService<T>();

    private sealed class Recorder<T>(ConcurrentQueue<object> published) : IConsumer<T>
        where T : class
    {
        public Task Consume(ConsumeContext<T> context)
        {
            published.Enqueue(context.Message);
            return Task.CompletedTask;
        }
    }

    /// <summary>The six pipeline services, as the embedded mode runs them.</summary>
    public static IReadOnlyList<SpineServiceModule> AllServices { get; } =
    [
        Spine.Ingestion.IngestionModule.Module, Spine.Preprocessing.PreprocessingModule.Module, Spine.Segmentation.SegmentationModule.Module,
        Spine.Classification.ClassificationModule.Module, Spine.Explanation.ExplanationModule.Module, Spine.Reporting.ReportingModule.Module,
    ];

    /// <param name="root">The folder of an earlier platform, to start again on its storage and ledger (a restart).</param>
    public static async Task<EmbeddedPlatform> StartAsync(IReadOnlyList<SpineServiceModule> modules, Action<IBusRegistrationConfigurator> recorders, IReadOnlyDictionary<string, string?>? settings = null, string? root = null)
    {
        root ??= Directory.CreateTempSubdirectory("spine-services-").FullName;
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(root, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(root, "ledger.db")}",
            ["Spine:Models:Root"] = Path.Combine(RepositoryLayout.Root, "models"),
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var published = new ConcurrentQueue<object>();
        builder.Services.AddSingleton(published);
        builder.AddSpinePlatform([.. modules, new SpineServiceModule("recorder", "test", recorders)], "services-test");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync();
        return new EmbeddedPlatform(root, host, published);
    }

    public static void Record<T>(IBusRegistrationConfigurator bus)
        where T : class => bus.AddConsumer<Recorder<T>>();

    /// <summary>Waits (up to <paramref name="seconds"/>) for a recorded message of type <typeparamref name="T"/> that matches.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool> match, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (DateTime.UtcNow < deadline)
        {
            if (Published.OfType<T>().FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"no {typeof(T).Name} within {seconds} s; recorded: {string.Join(", ", Published.Select(m => m.GetType().Name))}");
    }

    private bool _stopped;

    /// <summary>Stops the services as a shutdown would, keeping storage and ledger for a platform started on the same root.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Host.StopAsync();
            Host.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}
