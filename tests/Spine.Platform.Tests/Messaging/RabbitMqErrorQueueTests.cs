using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;
using Spine.Testing;

namespace Spine.Platform.Tests.Messaging.ErrorQueue;

public sealed record Job
{
    public required int Id { get; init; }
    public required bool Poisoned { get; init; }
}

public sealed class JobLog
{
    public ConcurrentDictionary<int, int> Attempts { get; } = new();
    public ConcurrentDictionary<int, bool> Done { get; } = new();
}

public sealed class JobConsumer(JobLog log) : IConsumer<Job>
{
    public Task Consume(ConsumeContext<Job> context)
    {
        log.Attempts.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
        if (context.Message.Poisoned)
        {
            throw new InvalidOperationException($"job {context.Message.Id} is poisoned");
        }

        log.Done[context.Message.Id] = true;
        return Task.CompletedTask;
    }
}

[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class RabbitMqErrorQueueTests(RabbitMqEndpoint broker) : IClassFixture<RabbitMqEndpoint>
{
    [Fact]
    public async Task Consumer_that_throws_is_retried_then_its_message_lands_in_the_error_queue_while_others_flow()
    {
        var log = new JobLog();
        var prefix = broker.NewPrefix("t");
        var settings = TestHosts.RabbitMq(broker.Url, prefix);
        settings["Spine:Bus:Retry:Intervals:0"] = "00:00:00.050";
        settings["Spine:Bus:Retry:Intervals:1"] = "00:00:00.050";
        using var host = await TestHosts.StartBusAsync(settings, bus => bus.AddConsumer<JobConsumer>(), services => services.AddSingleton(log));
        var bus = host.Services.GetRequiredService<IBus>();

        for (var id = 0; id < 20; id++)
        {
            await bus.Publish(new Job { Id = id, Poisoned = id == 7 });
        }

        Assert.True(await TestHosts.EventuallyAsync(() => log.Done.Count == 19, TimeSpan.FromSeconds(30)), $"only {log.Done.Count} of 19 good jobs were consumed");
        var faulted = await GetFromQueueAsync($"{prefix}-job_error", TimeSpan.FromSeconds(30));

        Assert.NotNull(faulted);
        Assert.Equal(3, log.Attempts[7]);
        Assert.DoesNotContain(7, log.Done.Keys);
        var envelope = JsonNode.Parse(faulted.Body.Span)!;
        Assert.Equal(7, envelope["message"]!["id"]!.GetValue<int>());
        Assert.True(envelope["message"]!["poisoned"]!.GetValue<bool>());
        Assert.Contains("InvalidOperationException", Header(faulted, "MT-Fault-ExceptionType"), StringComparison.Ordinal);
        Assert.Contains("job 7 is poisoned", Header(faulted, "MT-Fault-Message"), StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_message_delivered_past_the_delivery_limit_without_acknowledgement_moves_to_the_poison_queue()
    {
        var prefix = broker.NewPrefix("t");
        var settings = TestHosts.RabbitMq(broker.Url, prefix);
        settings["Spine:Bus:RabbitMq:DeliveryLimit"] = "2";
        var log = new JobLog();

        // The bus declares the receive queue (quorum, delivery limit, poison queue); then its consumer is gone, as a
        // process that a message kills is gone each time it takes the message.
        using (var host = await TestHosts.StartBusAsync(settings, bus => bus.AddConsumer<JobConsumer>(), services => services.AddSingleton(log)))
        {
            await host.StopAsync();
        }

        var factory = new ConnectionFactory { Uri = broker.Url };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = $"{prefix}-job";
        await channel.BasicPublishAsync(string.Empty, queue, true, new BasicProperties { MessageId = Guid.NewGuid().ToString() }, "{\"message\":{\"id\":1,\"poisoned\":false}}"u8.ToArray());

        // Taken and handed back (the consumer died holding it) until the broker moves it to the poison queue; the publish
        // and each hand-back are asynchronous, so the queue is polled rather than read once.
        var deliveries = 0;
        var poison = $"{prefix}-job_poison";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await channel.QueueDeclarePassiveAsync(poison)).MessageCount == 0 && DateTime.UtcNow < deadline)
        {
            if (await channel.BasicGetAsync(queue, autoAck: false) is { } delivered)
            {
                deliveries++;
                await channel.BasicNackAsync(delivered.DeliveryTag, multiple: false, requeue: true);
            }
            else
            {
                await Task.Delay(50);
            }
        }

        Assert.InRange(deliveries, 2, 3);
        Assert.NotNull(await GetFromQueueAsync(poison, TimeSpan.FromSeconds(10)));
        Assert.Null(await channel.BasicGetAsync(queue, autoAck: true));
    }

    private async Task<BasicGetResult?> GetFromQueueAsync(string queue, TimeSpan within)
    {
        var factory = new ConnectionFactory { Uri = broker.Url };
        await using var connection = await factory.CreateConnectionAsync();
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            // The error queue exists only once the first fault is moved; asking for a missing queue closes the channel.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                var message = await channel.BasicGetAsync(queue, autoAck: true);
                if (message is not null)
                {
                    return message;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException missing) when (missing.ShutdownReason?.ReplyCode == 404)
            {
            }

            await Task.Delay(100);
        }

        return null;
    }

    private static string Header(BasicGetResult message, string name) =>
        message.BasicProperties.Headers?.TryGetValue(name, out var value) == true && value is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : $"(no {name} header)";
}
