using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace Spine.Testing;

/// <summary>
/// A downstream subscriber for tests: an exclusive queue bound to the exchange MassTransit publishes a message type
/// to, read with plain RabbitMQ.Client, so the test sees exactly what a subscribing hospital system would receive.
/// </summary>
public sealed class RabbitMqEventTap : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private readonly string _queue;

    private RabbitMqEventTap(IConnection connection, IChannel channel, string queue)
    {
        _connection = connection;
        _channel = channel;
        _queue = queue;
    }

    /// <param name="exchange">MassTransit's exchange of the message type: its full name, for example <c>Spine.Contracts.V1:StudyReportPublished</c>.</param>
    public static async Task<RabbitMqEventTap> BindAsync(Uri broker, string exchange)
    {
        var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync();
        // Declared as MassTransit declares it (durable fanout), so whichever comes first, both agree.
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true, autoDelete: false);
        var queue = (await channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, string.Empty);
        return new RabbitMqEventTap(connection, channel, queue);
    }

    /// <summary>The <c>message</c> bodies of the MassTransit envelopes received so far, removed from the queue.</summary>
    public async Task<IReadOnlyList<JsonNode>> DrainAsync() => [.. (await DrainEnvelopesAsync()).Select(e => e.Message)];

    /// <summary>The envelopes received so far, as their MessageId (the same on a repeat) and <c>message</c> body.</summary>
    public async Task<IReadOnlyList<(string? MessageId, JsonNode Message)>> DrainEnvelopesAsync()
    {
        var messages = new List<(string?, JsonNode)>();
        while (await _channel.BasicGetAsync(_queue, autoAck: true) is { } delivery)
        {
            var envelope = JsonNode.Parse(Encoding.UTF8.GetString(delivery.Body.Span))!;
            messages.Add((envelope["messageId"]?.GetValue<string>(), envelope["message"]!.DeepClone()));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}
