using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace Spine.Cli.Resilience;

/// <summary>
/// A downstream subscriber as a hospital system would be one (for the resilience bench and the tests): a queue bound to the exchange MassTransit publishes a message type to, read with
/// plain RabbitMQ.Client, so the test sees exactly what a subscribing hospital system would receive. An exclusive
/// queue by default; a durable one of a given name for a test that restarts the broker (the tap then reconnects).
/// </summary>
public sealed class RabbitMqEventTap : IAsyncDisposable
{
    private readonly Uri _broker;
    private readonly string _queue;
    private IConnection _connection;
    private IChannel _channel;

    private RabbitMqEventTap(Uri broker, IConnection connection, IChannel channel, string queue)
    {
        (_broker, _connection, _channel, _queue) = (broker, connection, channel, queue);
    }

    /// <param name="exchange">MassTransit's exchange of the message type: its full name, for example <c>Spine.Contracts.V1:StudyReportPublished</c>.</param>
    /// <param name="durableQueue">A durable queue of this name, which outlives a broker restart with the messages in it.</param>
    public static async Task<RabbitMqEventTap> BindAsync(Uri broker, string exchange, string? durableQueue = null)
    {
        var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        // Declared as MassTransit declares it (durable fanout), so whichever comes first, both agree.
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = durableQueue is null
            ? (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName
            : (await channel.QueueDeclareAsync(durableQueue, durable: true, exclusive: false, autoDelete: false)).QueueName;
        await channel.QueueBindAsync(queue, exchange, string.Empty);
        return new RabbitMqEventTap(broker, connection, channel, queue);
    }

    /// <summary>The <c>message</c> bodies of the MassTransit envelopes received so far, removed from the queue.</summary>
    public async Task<IReadOnlyList<JsonNode>> DrainAsync() => [.. (await DrainEnvelopesAsync()).Select(e => e.Message)];

    /// <summary>The envelopes received so far, as their MessageId (the same on a repeat) and <c>message</c> body.</summary>
    public async Task<IReadOnlyList<(string? MessageId, JsonNode Message)>> DrainEnvelopesAsync()
    {
        var messages = new List<(string?, JsonNode)>();
        if (!_channel.IsOpen)
        {
            // The broker went away and came back: the durable queue kept what arrived meanwhile.
            _channel.Dispose();
            _connection.Dispose();
            _connection = await new ConnectionFactory { Uri = _broker }.CreateConnectionAsync();
            _channel = await _connection.CreateChannelAsync();
        }

        while (await _channel.BasicGetAsync(_queue, autoAck: true) is { } delivery)
        {
            var envelope = JsonNode.Parse(Encoding.UTF8.GetString(delivery.Body.Span))!;
            messages.Add((envelope["messageId"]?.GetValue<string>(), envelope["message"]!.DeepClone()));
        }

        return messages;
    }

    /// <summary>The envelopes received until each study has a report (a <c>studyId</c> of its message) or the time is up.</summary>
    public async Task<List<(string? MessageId, JsonNode Message)>> DrainUntilEachAsync(IReadOnlyCollection<Guid> studies, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(studies);
        var received = new List<(string? MessageId, JsonNode Message)>();
        var deadline = DateTime.UtcNow + within;
        while (!studies.All(study => received.Any(r => IsOf(r.Message, study))) && DateTime.UtcNow < deadline)
        {
            received.AddRange(await DrainEnvelopesAsync());
            await Task.Delay(100);
        }

        return received;
    }

    /// <summary>Whether a message is about the study (its <c>studyId</c>).</summary>
    public static bool IsOf(JsonNode message, Guid study) => message?["studyId"]?.GetValue<string>() == study.ToString();

    public async ValueTask DisposeAsync()
    {
        if (_channel.IsOpen)
        {
            await _channel.CloseAsync();
        }

        if (_connection.IsOpen)
        {
            await _connection.CloseAsync();
        }

        _channel.Dispose();
        _connection.Dispose();
    }
}
