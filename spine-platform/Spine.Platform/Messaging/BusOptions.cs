namespace Spine.Platform.Messaging;

public enum BusTransport
{
    /// <summary>One process, no broker: the embedded mode and unit tests.</summary>
    InMemory,

    /// <summary>RabbitMQ: the distributed mode.</summary>
    RabbitMq,
}

/// <summary>Configuration section <c>Spine:Bus</c>.</summary>
public sealed class BusOptions
{
    public const string Section = "Spine:Bus";

    public BusTransport Transport { get; set; } = BusTransport.InMemory;

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>Prepended to every queue name, so that environments can share a virtual host.</summary>
    public string? QueuePrefix { get; set; }

    /// <summary>Immediate retries inside the consumer before a message is redelivered or moved to its error queue.</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>Later, delayed redelivery after the immediate retries are spent.</summary>
    public RedeliveryOptions Redelivery { get; set; } = new();

    /// <summary>Messages a receive endpoint processes at once unless <see cref="ConcurrencyLimits"/> names it.</summary>
    public int? DefaultConcurrencyLimit { get; set; }

    /// <summary>Per receive endpoint (kebab-case queue name without the prefix): messages processed at once.</summary>
    public Dictionary<string, int> ConcurrencyLimits { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class RabbitMqOptions
{
    /// <summary>amqp://user:password@host:port/vhost (amqps:// for TLS).</summary>
    public Uri? Url { get; set; }

    /// <summary>Messages fetched ahead per consumer channel.</summary>
    public ushort PrefetchCount { get; set; } = 16;

    /// <summary>
    /// The broker has the rabbitmq_delayed_message_exchange plugin. Delayed redelivery on RabbitMQ needs it;
    /// without it, failed messages go to the error queue once the immediate retries are spent.
    /// </summary>
    public bool DelayedExchangePlugin { get; set; }

    /// <summary>
    /// Receive queues are quorum queues (replicated, and they count deliveries) with <see cref="DeliveryLimit"/>: a message
    /// delivered that many times without an acknowledgement (it kills its consumer's process, each time) is moved to the
    /// queue's <c>_poison</c> queue instead of being redelivered for ever. An existing classic queue of the same name must
    /// be deleted first (RabbitMQ refuses to redeclare a queue of another type).
    /// </summary>
    public bool QuorumQueues { get; set; } = true;

    /// <summary>Deliveries of one message a quorum queue allows before dead-lettering it to <c>_poison</c>.</summary>
    public int DeliveryLimit { get; set; } = 5;
}

public sealed class RetryOptions
{
    public static readonly IReadOnlyList<TimeSpan> DefaultIntervals = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];

    /// <summary>
    /// The default where no delayed redelivery follows (RabbitMQ without the delayed-exchange plugin): 111 s of retries
    /// in all, so that a minute's outage of the object store, the database or a PACS loses no study.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> OutageIntervals =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)];

    public bool Enabled { get; set; } = true;

    /// <summary>Waits between immediate retries; their count is the number of retries. Unset: <see cref="DefaultIntervals"/>, or <see cref="OutageIntervals"/> where no delayed redelivery follows.</summary>
    /// <remarks>An array left null, because configuration binding appends to a pre-filled list instead of replacing it.</remarks>
    public TimeSpan[]? Intervals { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveIntervals => !Enabled ? [] : Intervals ?? DefaultIntervals;
}

public sealed class RedeliveryOptions
{
    public static readonly IReadOnlyList<TimeSpan> DefaultIntervals = [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10)];

    public bool Enabled { get; set; } = true;

    /// <summary>Waits before each redelivery. Unset: <see cref="DefaultIntervals"/>.</summary>
    public TimeSpan[]? Intervals { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveIntervals => !Enabled ? [] : Intervals ?? DefaultIntervals;
}
