using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Spine.Platform.Hosting;

namespace Spine.Platform.Messaging;

/// <summary>The receive queues of this process's consumers, as the bus configured them.</summary>
public sealed class ReceiveQueues
{
    private readonly ConcurrentDictionary<string, bool> _names = new(StringComparer.Ordinal);

    public void Add(string queue) => _names.TryAdd(queue, true);

    public IReadOnlyList<string> Names => [.. _names.Keys.Order(StringComparer.Ordinal)];
}

/// <summary>
/// Reads, every <see cref="Interval"/>, how many messages wait in each of this process's receive queues and in their
/// error and poison queues (a passive declare over AMQP: the broker's count now, not its statistics), and exports
/// them as <c>spine.queue.messages</c> by queue: the backlog each service has, and the error queues an operator must
/// empty. A queue that does not exist yet counts 0. RabbitMQ only. How long work has waited before each stage is
/// <see cref="Ledger.StudyBacklogMonitor"/>'s (a quorum queue does not tell the age of its oldest message).
/// </summary>
public sealed partial class QueueDepths(ReceiveQueues queues, IOptions<BusOptions> options, ILogger<QueueDepths> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    // One instrument for the process; it reports every running monitor's queues (tests run several hosts in one process).
    private static readonly ConcurrentDictionary<QueueDepths, bool> Running = new();

    private static readonly ObservableGauge<long> Gauge = SpineTelemetry.Meter.CreateObservableGauge("spine.queue.messages", Observe, "{message}",
        "Messages waiting in a service's receive queue and its _error and _poison queues, by queue.");

    private readonly ConcurrentDictionary<string, long> _depths = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = Gauge;
        Running[this] = true;
        try
        {
            await PollAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped, or a host disposed without being stopped first: an end, not a failure the host should report.
        }
        finally
        {
            Running.TryRemove(this, out _);
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        // One connection for the monitor's life, opened again only after it is lost (a broker restart): a connection a
        // poll would cost the broker a handshake and a connection record every 15 s per process.
        var factory = new ConnectionFactory { Uri = options.Value.RabbitMq.Url!, ClientProvidedName = "spine-queue-depths" };
        IConnection? connection = null;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            do
            {
                try
                {
                    if (connection is not { IsOpen: true })
                    {
                        if (connection is not null)
                        {
                            await connection.DisposeAsync();
                        }

                        connection = await factory.CreateConnectionAsync(stoppingToken);
                    }

                    foreach (var queue in queues.Names.SelectMany(q => new[] { q, q + "_error", q + "_poison" }))
                    {
                        _depths[queue] = await DepthAsync(connection, queue, stoppingToken);
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogUnreachable(logger, ex.GetType().Name); // the broker's readiness check says the rest
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }

    private static async Task<long> DepthAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException ex) when (ex.ShutdownReason?.ReplyCode == 404)
        {
            return 0; // not declared yet: MassTransit creates error queues when the first message fails
        }
    }

    private static IEnumerable<Measurement<long>> Observe() =>
        Running.Keys.SelectMany(monitor => monitor._depths).Select(d => new Measurement<long>(d.Value, new KeyValuePair<string, object?>("spine.queue", d.Key)));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Queue depths not read: the broker is out of reach ({Error})")]
    private static partial void LogUnreachable(ILogger logger, string error);
}
