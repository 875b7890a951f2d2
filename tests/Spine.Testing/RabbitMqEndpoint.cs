using System.Diagnostics;
using Testcontainers.RabbitMq;

namespace Spine.Testing;

/// <summary>
/// A real RabbitMQ broker: the one the test script started (<c>SPINE_TEST_RABBITMQ_URL</c>), or a Testcontainers
/// container when a Docker daemon answers.
/// </summary>
public class RabbitMqEndpoint : IAsyncLifetime
{
    private const string Image = "rabbitmq:3.13";
    private RabbitMqContainer? _container;

    protected virtual string UrlVariable => "SPINE_TEST_RABBITMQ_URL";

    /// <summary>The script instance that <see cref="StopAsync"/> and <see cref="StartAsync"/> control.</summary>
    protected virtual string Instance => "main";

    public Uri Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            Url = new Uri(configured);
            return;
        }

        if (!DockerDaemon.IsAvailable)
        {
            throw new TestServiceUnavailableException("RabbitMQ", UrlVariable);
        }

        // A fixed host port, so the broker keeps its address across a stop and start.
        _container = new RabbitMqBuilder(Image).WithPortBinding(SpineProcess.FreeTcpPort(), 5672).Build();
        await _container.StartAsync();
        Url = new Uri(_container.GetConnectionString());
    }

    /// <summary>Stops the broker; its durable queues and persistent messages stay on disk.</summary>
    public async Task StopAsync()
    {
        if (_container is not null)
        {
            await _container.StopAsync();
            return;
        }

        await RunControlAsync("rabbitmq-stop");
    }

    /// <summary>Starts the broker again on the same address and data; returns once it accepts connections.</summary>
    public async Task StartAsync()
    {
        if (_container is not null)
        {
            await _container.StartAsync();
            return;
        }

        await RunControlAsync("rabbitmq-start");
    }

    private async Task RunControlAsync(string verb)
    {
        var control = Environment.GetEnvironmentVariable("SPINE_TEST_RABBITMQ_CONTROL")
            ?? throw new InvalidOperationException("SPINE_TEST_RABBITMQ_CONTROL is not set: the broker cannot be stopped or started from this test.");
        using var process = Process.Start(new ProcessStartInfo(control, [verb, Instance]) { RedirectStandardError = true })
            ?? throw new InvalidOperationException($"{control} did not start.");
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{control} {verb} {Instance} failed ({process.ExitCode}): {errors}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}

/// <summary>A broker of its own for tests that stop and start it, so they cannot disturb tests on the main broker.</summary>
public sealed class RestartableRabbitMqEndpoint : RabbitMqEndpoint
{
    protected override string UrlVariable => "SPINE_TEST_RESTARTABLE_RABBITMQ_URL";

    protected override string Instance => "restartable";
}
