using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RabbitMQ.Client;

namespace Spine.Platform.Messaging;

/// <summary>
/// The queues and exchanges of one prefix on a RabbitMQ broker, found through its management API and read or deleted
/// over AMQP: how a benchmark or a test checks that nothing is left in a deployment's queues, and clears them after.
/// </summary>
public static class RabbitMqQueues
{
    /// <summary>Each queue whose name starts with <paramref name="prefix"/>, with the messages ready in it now (not from the statistics).</summary>
    public static async Task<IReadOnlyDictionary<string, uint>> DepthsAsync(Uri broker, Uri management, string prefix)
    {
        var names = await ListAsync(management, "queues", prefix);
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        var depths = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            await using var channel = await connection.CreateChannelAsync();
            depths[name] = (await channel.QueueDeclarePassiveAsync(name)).MessageCount;
        }

        return depths;
    }

    /// <summary>
    /// What the first <paramref name="max"/> messages of a queue are, one line each (message type, and for a fault the
    /// exception MassTransit recorded in its MT-Fault headers), taken off the queue: for the report of a test that found
    /// messages where none should be.
    /// </summary>
    public static async Task<IReadOnlyList<string>> DescribeAsync(Uri broker, string queue, int max = 3)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var lines = new List<string>();
        for (var n = 0; n < max && await channel.BasicGetAsync(queue, autoAck: true) is { } message; n++)
        {
            string Header(string name) => message.BasicProperties.Headers?.TryGetValue(name, out var value) == true
                ? value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : value?.ToString() ?? string.Empty
                : string.Empty;
            var body = Encoding.UTF8.GetString(message.Body.Span);
            var type = JsonNode.Parse(body)?["messageType"]?.AsArray().FirstOrDefault()?.GetValue<string>() ?? "?";
            var stack = Header("MT-Fault-StackTrace").Split('\n').FirstOrDefault()?.Trim();
            lines.Add($"{type}: {Header("MT-Fault-ExceptionType")}: {Header("MT-Fault-Message")} (retries {Header("MT-Fault-RetryCount")}; {stack})");
        }

        return lines;
    }

    /// <summary>Deletes every queue and exchange whose name starts with <paramref name="prefix"/>.</summary>
    public static async Task DeleteAsync(Uri broker, Uri management, string prefix)
    {
        await using var connection = await new ConnectionFactory { Uri = broker }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        foreach (var queue in await ListAsync(management, "queues", prefix))
        {
            await channel.QueueDeleteAsync(queue);
        }

        foreach (var exchange in await ListAsync(management, "exchanges", prefix))
        {
            await channel.ExchangeDeleteAsync(exchange);
        }
    }

    private static async Task<IReadOnlyList<string>> ListAsync(Uri management, string kind, string prefix)
    {
        using var http = new HttpClient { BaseAddress = management };
        var credentials = string.IsNullOrEmpty(management.UserInfo) ? "guest:guest" : Uri.UnescapeDataString(management.UserInfo);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        var listed = JsonNode.Parse(await http.GetStringAsync(new Uri($"api/{kind}?columns=name", UriKind.Relative)))!.AsArray();
        return [.. listed.Select(item => item!["name"]!.GetValue<string>()).Where(name => name.StartsWith(prefix, StringComparison.Ordinal))];
    }
}
