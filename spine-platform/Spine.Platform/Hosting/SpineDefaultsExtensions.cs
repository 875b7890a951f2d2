using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Spine.Platform.Hosting;

/// <summary>
/// What every Spine host gets, in the manner of eShop's ServiceDefaults: OpenTelemetry traces, metrics and logs
/// (OTLP export when OTEL_EXPORTER_OTLP_ENDPOINT is set), health checks, and the system clock.
/// </summary>
public static class SpineDefaultsExtensions
{
    /// <summary>Health checks with this tag answer /health/live: the process is up.</summary>
    public const string LiveTag = "live";

    /// <summary>Health checks with this tag answer /health/ready: broker, storage and database are reachable.</summary>
    public const string ReadyTag = "ready";

    public static TBuilder AddSpineDefaults<TBuilder>(this TBuilder builder, string? serviceName = null)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddSpineTelemetry(serviceName);
        builder.Services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    private static void AddSpineTelemetry(this IHostApplicationBuilder builder, string? serviceName)
    {
        var name = serviceName ?? builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;

        // ASP.NET Core's request start and finish lines carry the whole path, which can hold a Study Instance UID
        // (STOW-RS's /dicomweb/studies/{uid}): kept to warnings; spans name the route template instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(name, serviceVersion: SpineVersion.Informational))
            .WithTracing(tracing => tracing
                .AddSource(SpineTelemetry.SourceName)
                .AddSource(MassTransit.Logging.DiagnosticHeaders.DefaultListenerName)
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.Filter = IsNotHealthProbe;
                    options.EnrichWithHttpResponse = RecordRouteNotPath;
                })
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(MassTransit.Monitoring.InstrumentationOptions.MeterName)
                .AddMeter(SpineTelemetry.SourceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }
    }

    /// <summary>Where Prometheus scrapes a service's metrics (role <c>monitor</c>).</summary>
    public const string MetricsPath = "/metrics";

    // Kubernetes probes and Prometheus scrapes come every few seconds; their spans would drown the studies' traces.
    /// <summary>The span's url.path becomes the route template (<c>/dicomweb/studies/{studyInstanceUid}</c>), never the path a request used.</summary>
    private static void RecordRouteNotPath(System.Diagnostics.Activity activity, HttpResponse response) =>
        activity.SetTag("url.path", (response.HttpContext.GetEndpoint() as Microsoft.AspNetCore.Routing.RouteEndpoint)?.RoutePattern.RawText ?? "(no route)");

    private static bool IsNotHealthProbe(HttpContext context) => !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments(MetricsPath);

    /// <summary>Maps /health/live and /health/ready, in every environment and open to all (Kubernetes probes them; they tell nothing about studies).</summary>
    public static WebApplication MapSpineHealthEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = WriteHealthReportAsync,
        }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteHealthReportAsync,
        }).AllowAnonymous();
        return app;
    }

    private static Task WriteHealthReportAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new HealthReportBody(
            report.Status.ToString(),
            report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new HealthEntryBody(entry.Value.Status.ToString(), entry.Value.Description)));
        return JsonSerializer.SerializeAsync(context.Response.Body, body, HostingJsonContext.Default.HealthReportBody, context.RequestAborted);
    }
}
