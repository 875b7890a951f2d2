using System.Collections.Concurrent;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Platform.Hosting;
using Spine.Platform.Security;
namespace Spine.Testing;

/// <summary>
/// Services hosted as the embedded mode hosts them: filesystem store, SQLite ledger and in-memory bus (all real), in a
/// folder of the test's own, with a consumer that records every message of the given types; with <c>web</c>, also
/// their HTTP endpoints on a loopback port that Kestrel chose and bound itself.
/// </summary>
public sealed class EmbeddedPlatform : IAsyncDisposable
{
    private readonly Witness _witness = new();

    private EmbeddedPlatform(string root, IHost host, ConcurrentQueue<object> published, Uri? address)
    {
        (Root, Host, Published, Http, Anonymous) = (root, host, published, address is null ? null : Client(address, ApiKey), address is null ? null : Client(address, null));
        var bus = host.Services.GetRequiredService<IBus>();
        bus.ConnectPublishObserver(_witness);
        bus.ConnectConsumeObserver(_witness);
    }

    /// <summary>Every message published on the bus, recorded as its publish completed (before any consumer sees it).</summary>
    public IReadOnlyCollection<object> PublishedNow => _witness.Published;

    public string Root { get; }

    public IHost Host { get; }

    /// <summary>The API key (index 0 of <c>Spine:Security:ApiKeys</c>, every role) that <see cref="Http"/> presents; tests add other keys from index 1.</summary>
    public const string ApiKey = "embedded-tests-key-every-role-0123";

    /// <summary>A client of the services' HTTP endpoints with <see cref="ApiKey"/>; null unless started with <c>web</c>.</summary>
    public HttpClient? Http { get; }

    /// <summary>A client of the services' HTTP endpoints without credentials; null unless started with <c>web</c>.</summary>
    public HttpClient? Anonymous { get; }

    /// <summary>A client of the HTTP endpoints that presents <paramref name="key"/> (none when null).</summary>
    public HttpClient Client(string? key) => Client(Anonymous?.BaseAddress ?? throw new InvalidOperationException("the platform was started without web"), key);

    private static HttpClient Client(Uri address, string? key)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }

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

    /// <param name="root">The folder of an earlier platform, to start again on its storage and ledger (a restart).</param>
    /// <param name="web">Serve the modules' endpoints and the health endpoints over HTTP.</param>
    public static async Task<EmbeddedPlatform> StartAsync(IReadOnlyList<SpineServiceModule> modules, Action<IBusRegistrationConfigurator> recorders,
        IReadOnlyDictionary<string, string?>? settings = null, string? root = null, bool web = false)
    {
        ArgumentNullException.ThrowIfNull(modules);
        root = Directory.CreateDirectory(root ?? Directory.CreateTempSubdirectory("spine-services-").FullName).FullName;
        var configuration = new Dictionary<string, string?>
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(root, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(root, "ledger.db")}",
            ["Spine:Models:Root"] = Path.Combine(RepositoryLayout.Root, "models"),
            ["Spine:Security:ApiKeys:0:Name"] = "tests",
            ["Spine:Security:ApiKeys:0:Key"] = ApiKey,
            ["Spine:Security:ApiKeys:0:Roles"] = string.Join(',', SpineRoles.All),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var published = new ConcurrentQueue<object>();
        SpineServiceModule[] hosted = [.. modules, new SpineServiceModule("recorder", "test", recorders)];
        IHost host;
        Uri? address = null;
        if (web)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            Configure(builder, configuration, published, hosted);
            var app = builder.Build();
            app.MapSpineEndpoints(modules);

            await app.StartAsync();
            address = new Uri(app.Urls.Single());
            host = app;
        }
        else
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
            Configure(builder, configuration, published, hosted);
            host = builder.Build();
            await host.StartAsync();
        }

        return new EmbeddedPlatform(root, host, published, address);
    }

    private static void Configure(IHostApplicationBuilder builder, Dictionary<string, string?> configuration, ConcurrentQueue<object> published, SpineServiceModule[] modules)
    {
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(published);
        builder.AddSpinePlatform(modules, "services-test");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
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

    /// <summary>Waits (up to <paramref name="seconds"/>) until the ledger records <paramref name="status"/> for a study.</summary>
    public async Task WaitForLedgerAsync(Guid studyId, Spine.Platform.Ledger.StudyStatus status, int seconds = 30)
    {
        var ledger = Service<Spine.Platform.Ledger.IStudyLedger>();
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while ((await ledger.FindAsync(studyId))?.Status != status)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"study {studyId} is {(await ledger.FindAsync(studyId))?.Status.ToString() ?? "not in the ledger"}, not {status}, after {seconds} s");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the consumers on the endpoint whose queue name contains <paramref name="endpoint"/> have finished
    /// consuming <paramref name="count"/> messages that match. What those consumptions published is then in
    /// <see cref="PublishedNow"/>: the sentinel after which the absence of a publish can be asserted without waiting.
    /// </summary>
    public async Task WaitForConsumedAsync<T>(string endpoint, Func<T, bool> match, int count, int seconds = 60)
        where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (_witness.Consumed.Count(c => c.Endpoint.Contains(endpoint, StringComparison.Ordinal) && c.Message is T message && match(message)) < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the {endpoint} endpoint did not consume {count} {typeof(T).Name} within {seconds} s");
            }

            await Task.Delay(20);
        }
    }

    private sealed class Witness : IPublishObserver, IConsumeObserver
    {
        public ConcurrentQueue<object> Published { get; } = new();

        public ConcurrentQueue<(string Endpoint, object Message)> Consumed { get; } = new();

        public Task PrePublish<T>(PublishContext<T> context) where T : class => Task.CompletedTask;

        public Task PostPublish<T>(PublishContext<T> context) where T : class
        {
            Published.Enqueue(context.Message);
            return Task.CompletedTask;
        }

        public Task PublishFault<T>(PublishContext<T> context, Exception exception) where T : class => Task.CompletedTask;

        public Task PreConsume<T>(ConsumeContext<T> context) where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context) where T : class
        {
            Consumed.Enqueue((context.ReceiveContext.InputAddress.AbsolutePath, context.Message));
            return Task.CompletedTask;
        }

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception) where T : class => Task.CompletedTask;
    }

    private bool _stopped;

    /// <summary>Stops the services as a shutdown would, keeping storage and ledger for a platform started on the same root.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            Http?.Dispose();
            Anonymous?.Dispose();
            await Host.StopAsync();
            (Host as IDisposable)?.Dispose();
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
