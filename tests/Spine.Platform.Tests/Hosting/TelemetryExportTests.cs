using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;
using Spine.Platform.Hosting;
using Spine.Testing;

namespace Spine.Platform.Tests.Hosting;

public sealed class TelemetryExportTests
{
    [Fact]
    public async Task Spans_are_exported_over_otlp_when_the_endpoint_is_configured()
    {
        var port = SpineProcess.FreeTcpPort();
        using var collector = new HttpListener();
        collector.Prefixes.Add($"http://127.0.0.1:{port}/");
        collector.Start();
        var received = ReceiveOneAsync(collector);

        var builder = TestHosts.Builder(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        });
        builder.AddSpineDefaults("spine-telemetry-test");
        using var host = builder.Build();
        await host.StartAsync();
        using (SpineTelemetry.Source.StartActivity("otlp-export-check"))
        {
        }

        host.Services.GetRequiredService<TracerProvider>().ForceFlush(10_000);
        var (path, contentType, body) = await received.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal("/v1/traces", path);
        Assert.Equal("application/x-protobuf", contentType);
        Assert.Contains("otlp-export-check", body, StringComparison.Ordinal);
        Assert.Contains("spine-telemetry-test", body, StringComparison.Ordinal);
    }

    // Keeps reading until a trace export arrives (metrics and logs exports may come first).
    private static async Task<(string Path, string? ContentType, string Body)> ReceiveOneAsync(HttpListener listener)
    {
        while (true)
        {
            var context = await listener.GetContextAsync();
            using var buffer = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(buffer);
            context.Response.StatusCode = 200;
            context.Response.Close();
            if (context.Request.Url!.AbsolutePath == "/v1/traces")
            {
                return (context.Request.Url.AbsolutePath, context.Request.ContentType, Encoding.UTF8.GetString(buffer.ToArray()));
            }
        }
    }
}
