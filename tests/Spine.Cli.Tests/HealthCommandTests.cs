using System.Net;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary><c>spine health URL</c>, the containers' HEALTHCHECK: exit 0 on 200, 1 when nothing answers.</summary>
public sealed class HealthCommandTests
{
    [Fact]
    public async Task Health_command_exits_zero_for_a_live_service_and_one_when_nothing_answers()
    {
        var port = SpineProcess.FreeTcpPort();
        var data = Directory.CreateTempSubdirectory("spine-health-").FullName;
        try
        {
            await using var spine = SpineProcess.Start(
                ["serve", "--services", "ingestion", "--urls", $"http://127.0.0.1:{port}"],
                new Dictionary<string, string>
                {
                    ["Spine__Storage__FileSystem__Root"] = Path.Combine(data, "objects"),
                    ["Spine__Ledger__ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
                });
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await HealthEndpoint.WaitForAnswerAsync(http, "/health/live", spine, TimeSpan.FromSeconds(60), HttpStatusCode.OK);

            await using (var healthy = await SpineProcess.RunAsync(["health", $"http://127.0.0.1:{port}/health/live"], TimeSpan.FromSeconds(30)))
            {
                Assert.Equal(0, healthy.ExitCode);
            }

            await using var unhealthy = await SpineProcess.RunAsync(["health", $"http://127.0.0.1:{SpineProcess.FreeTcpPort()}/health/live"], TimeSpan.FromSeconds(30));
            Assert.Equal(1, unhealthy.ExitCode);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
