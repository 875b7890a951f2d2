using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Spine.Platform.Hosting;
using Spine.Platform.Security;

namespace Spine.Platform.Tests.Security;

/// <summary>
/// A web host with the platform's security and one endpoint per role (GET /read, POST /send, POST /operate) beside
/// the health endpoints, on a loopback port Kestrel chose; records what it logged.
/// </summary>
internal sealed class SecuredHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private SecuredHost(WebApplication app, Uri address, ListLoggerProvider logs) => (_app, Address, Logs) = (app, address, logs);

    public Uri Address { get; }

    public ListLoggerProvider Logs { get; }

    public static async Task<SecuredHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(settings);
        var logs = new ListLoggerProvider();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.AddSpineDefaults("security-test");
        builder.AddSpineSecurity();
        var app = builder.Build();
        var module = new SpineServiceModule("roles", "one endpoint per role", _ => { }, MapEndpoints: endpoints =>
        {
            endpoints.MapGet("/read", (HttpContext context) => Results.Text(context.User.Identity?.Name ?? "?")).RequireAuthorization(SpineRoles.Read);
            endpoints.MapPost("/send", () => Results.Accepted()).RequireAuthorization(SpineRoles.Send);
            endpoints.MapPost("/operate", () => Results.Ok()).RequireAuthorization(SpineRoles.Operate);
        });
        app.MapSpineEndpoints([module]);
        await app.StartAsync();
        return new SecuredHost(app, new Uri(app.Urls.Single()), logs);
    }

    public HttpClient Client() => new() { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>Every formatted log line, with its level and category.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Category, string Message)> _lines = new();

    public IReadOnlyCollection<(LogLevel Level, string Category, string Message)> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<(LogLevel, string, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lines.Enqueue((logLevel, category, formatter(state, exception)));
            }
        }
    }
}
