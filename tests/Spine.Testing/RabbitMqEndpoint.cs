using System.Collections.Concurrent;
using System.Diagnostics;
using Spine.Platform.Messaging;
using Testcontainers.RabbitMq;

namespace Spine.Testing;

/// <summary>
/// A real RabbitMQ broker: the one the test script started (<c>SPINE_TEST_RABBITMQ_URL</c>), or a Testcontainers
/// container when a Docker daemon answers. Queues and exchanges of the prefixes it handed out are deleted when the
/// fixture ends, so durable queues do not pile up from run to run.
/// </summary>
public class RabbitMqEndpoint : IAsyncLifetime
{
    private const string Image = "rabbitmq:3.13-management";
    private readonly ConcurrentBag<string> _prefixes = [];
    private RabbitMqContainer? _container;

    protected virtual string UrlVariable => "SPINE_TEST_RABBITMQ_URL";

    protected virtual string ManagementUrlVariable => "SPINE_TEST_RABBITMQ_MANAGEMENT_URL";

    /// <summary>The broker's management API (guest/guest), which lists queues.</summary>
    public Uri ManagementUrl { get; private set; } = null!;

    /// <summary>The script instance that <see cref="StopAsync"/> and <see cref="StartAsync"/> control.</summary>
    protected virtual string Instance => "main";

    public Uri Url { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(UrlVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            Url = new Uri(configured);
            ManagementUrl = new Uri(Environment.GetEnvironmentVariable(ManagementUrlVariable)
                ?? throw new TestServiceUnavailableException("RabbitMQ's management API", ManagementUrlVariable));
            return;
        }

        if (!DockerDaemon.IsAvailable)
        {
            throw new TestServiceUnavailableException("RabbitMQ", UrlVariable);
        }

        // A fixed host port, so the broker keeps its address across a stop and start.
        _container = new RabbitMqBuilder(Image).WithPortBinding(SpineProcess.FreeTcpPort(), 5672).WithPortBinding(15672, assignRandomHostPort: true).Build();
        await _container.StartAsync();
        Url = new Uri(_container.GetConnectionString());
        ManagementUrl = new Uri($"http://{_container.Hostname}:{_container.GetMappedPublicPort(15672)}/");
    }

    /// <summary>A queue prefix of the test's own (one letter saying who uses it, then random); its queues go when the fixture ends.</summary>
    public string NewPrefix(string owner)
    {
        var prefix = owner + Guid.NewGuid().ToString("n")[..10];
        _prefixes.Add(prefix);
        return prefix;
    }

    /// <summary>The queues whose names start with <paramref name="prefix"/>, with the messages ready in each, read now (not from the statistics).</summary>
    public Task<IReadOnlyDictionary<string, uint>> QueuesAsync(string prefix) => RabbitMqQueues.DepthsAsync(Url, ManagementUrl, prefix);

    /// <summary>Deletes every queue and exchange whose name starts with <paramref name="prefix"/>.</summary>
    public Task DeleteAsync(string prefix) => RabbitMqQueues.DeleteAsync(Url, ManagementUrl, prefix);

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
        foreach (var prefix in _prefixes)
        {
            await DeleteAsync(prefix);
        }

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

    protected override string ManagementUrlVariable => "SPINE_TEST_RESTARTABLE_RABBITMQ_MANAGEMENT_URL";

    protected override string Instance => "restartable";
}

/// <summary>A broker of its own for the six-process fault suite, which restarts it while studies run.</summary>
public sealed class FaultsRabbitMqEndpoint : RabbitMqEndpoint
{
    protected override string UrlVariable => "SPINE_TEST_FAULTS_RABBITMQ_URL";

    protected override string ManagementUrlVariable => "SPINE_TEST_FAULTS_RABBITMQ_MANAGEMENT_URL";

    protected override string Instance => "faults";
}
