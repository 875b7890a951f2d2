using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Spine.Contracts.V1;
using Spine.Testing;

namespace Spine.Platform.Tests.Messaging.WireShape;

/// <summary>What a subscriber that is not MassTransit sees on the broker: the contracts' JSON inside MassTransit's envelope.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class RabbitMqWireShapeTests(RabbitMqEndpoint broker) : IClassFixture<RabbitMqEndpoint>
{
    [Fact]
    public async Task Published_contract_reaches_a_plain_amqp_subscriber_in_its_documented_json_shape()
    {
        var factory = new ConnectionFactory { Uri = broker.Url };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var exchange = "Spine.Contracts.V1:StudyFailed";
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
        var queue = (await channel.QueueDeclareAsync(exclusive: true)).QueueName;
        await channel.QueueBindAsync(queue, exchange, routingKey: string.Empty);

        using var host = await TestHosts.StartBusAsync(TestHosts.RabbitMq(broker.Url, broker.NewPrefix("t")), _ => { });
        var failed = new StudyFailed
        {
            StudyId = Guid.NewGuid(),
            StudyInstanceUid = "2.25.42",
            CorrelationId = Guid.NewGuid(),
            OccurredAt = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero),
            Stage = PipelineStage.Preprocessing,
            Code = "no-axial-t2-series",
            Reason = "No axial T2 series.",
        };
        await host.Services.GetRequiredService<IBus>().Publish(failed);

        // The exchange is the broker's one for every StudyFailed, so other tests' failures may pass by: take ours by StudyId.
        JsonNode? message = null;
        Assert.True(await TestHosts.EventuallyAsync(() =>
        {
            while (channel.BasicGetAsync(queue, autoAck: true).GetAwaiter().GetResult() is { } delivered)
            {
                var candidate = JsonNode.Parse(delivered.Body.Span)!["message"]!;
                if (candidate["studyId"]!.GetValue<Guid>() == failed.StudyId)
                {
                    message = candidate;
                    return true;
                }
            }

            return false;
        }, TimeSpan.FromSeconds(20)));

        Assert.Equal("preprocessing", message!["stage"]!.GetValue<string>());
        Assert.Equal(failed.StudyId, message["studyId"]!.GetValue<Guid>());
        Assert.Equal("no-axial-t2-series", message["code"]!.GetValue<string>());
        Assert.Equal("2026-11-28T10:00:00+00:00", message["occurredAt"]!.GetValue<string>());
        await host.StopAsync();
    }
}
