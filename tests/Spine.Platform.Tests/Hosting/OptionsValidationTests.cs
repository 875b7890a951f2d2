using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Spine.Platform.Hosting;

namespace Spine.Platform.Tests.Hosting;

public sealed class OptionsValidationTests
{
    private static async Task<OptionsValidationException> StartFailsAsync(Dictionary<string, string?> settings)
    {
        var builder = TestHosts.Builder(settings);
        builder.AddSpinePlatform([]);
        using var host = builder.Build();
        return await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Rabbitmq_transport_without_a_url_stops_the_host_naming_the_setting()
    {
        var error = await StartFailsAsync(new() { ["Spine:Bus:Transport"] = "RabbitMq" });

        Assert.Contains("Spine:Bus:RabbitMq:Url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rabbitmq_url_with_another_scheme_stops_the_host_naming_the_setting()
    {
        var error = await StartFailsAsync(new() { ["Spine:Bus:Transport"] = "RabbitMq", ["Spine:Bus:RabbitMq:Url"] = "http://rabbit:5672/" });

        Assert.Contains("Spine:Bus:RabbitMq:Url must be an absolute amqp://", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_bucket_name_stops_the_host_naming_the_setting_and_the_rule()
    {
        var error = await StartFailsAsync(new() { ["Spine:Storage:Bucket"] = "Spine_Studies" });

        Assert.Contains("Spine:Storage:Bucket 'Spine_Studies' is not a valid bucket name", error.Message, StringComparison.Ordinal);
        Assert.Contains("lowercase", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task S3_provider_without_endpoint_or_keys_stops_the_host_naming_each_setting()
    {
        var error = await StartFailsAsync(new() { ["Spine:Storage:Provider"] = "S3" });

        Assert.Contains("Spine:Storage:S3:Endpoint", error.Message, StringComparison.Ordinal);
        Assert.Contains("Spine:Storage:S3:AccessKey", error.Message, StringComparison.Ordinal);
        Assert.Contains("Spine:Storage:S3:SecretKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_ledger_without_host_stops_the_host_naming_the_setting()
    {
        var error = await StartFailsAsync(new() { ["Spine:Ledger:Provider"] = "PostgreSql", ["Spine:Ledger:ConnectionString"] = "Database=spine" });

        Assert.Contains("Spine:Ledger:ConnectionString names no Host", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrency_limit_below_one_stops_the_host_naming_the_endpoint()
    {
        var error = await StartFailsAsync(new() { ["Spine:Bus:ConcurrencyLimits:segmentation"] = "0" });

        Assert.Contains("Spine:Bus:ConcurrencyLimits:segmentation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_embedded_defaults_start_the_host()
    {
        var root = Path.Combine(Path.GetTempPath(), "spine-test-" + Guid.NewGuid().ToString("n"));
        var builder = TestHosts.Builder(new()
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(root, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(root, "ledger.db")}",
        });
        builder.AddSpinePlatform([]);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.True(Directory.Exists(Path.Combine(root, "objects", "spine")), "the bucket folder was not created at start");
        Assert.True(File.Exists(Path.Combine(root, "ledger.db")), "the ledger database was not created at start");
    }
}
