using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Spine.Testing;
using Xunit.Abstractions;

namespace Spine.Platform.Tests.Messaging.Restart;

public sealed record NumberedWork
{
    /// <summary>The business key the consumer deduplicates on; a republished copy has a new MessageId but the same number.</summary>
    public required int Number { get; init; }
}

public sealed class EffectLog
{
    public ConcurrentDictionary<int, int> Deliveries { get; } = new();
    public ConcurrentDictionary<int, bool> Effects { get; } = new();
    private int _effectCount;

    public int EffectCount => Volatile.Read(ref _effectCount);

    /// <summary>Applies the work once per number, however often it is delivered.</summary>
    public void Apply(int number)
    {
        Deliveries.AddOrUpdate(number, 1, (_, n) => n + 1);
        if (Effects.TryAdd(number, true))
        {
            Interlocked.Increment(ref _effectCount);
        }
    }
}

public sealed class NumberedWorkConsumer(EffectLog log) : IConsumer<NumberedWork>
{
    public Task Consume(ConsumeContext<NumberedWork> context)
    {
        log.Apply(context.Message.Number);
        return Task.CompletedTask;
    }
}

[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class RabbitMqRestartTests(RestartableRabbitMqEndpoint broker, ITestOutputHelper output) : IClassFixture<RestartableRabbitMqEndpoint>
{
    private const int MessageCount = 1000;
    private const int StopAfter = 300;

    [Fact]
    public async Task Broker_restart_in_the_middle_of_a_run_loses_no_message_and_applies_each_once()
    {
        var log = new EffectLog();
        var settings = TestHosts.RabbitMq(broker.Url, broker.NewPrefix("t"));
        settings["Spine:Bus:Retry:Intervals:0"] = "00:00:00.100";
        using var host = await TestHosts.StartBusAsync(settings, bus => bus.AddConsumer<NumberedWorkConsumer>(), services => services.AddSingleton(log));
        var bus = host.Services.GetRequiredService<IBus>();

        // The publisher pauses after message StopAfter until the broker has gone down, so the rest of the run is
        // published into the outage: the restart happens in the middle of the run by construction.
        var reachedStopPoint = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var brokerDown = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var failedPublishes = 0;
        var publisher = Task.Run(async () =>
        {
            for (var number = 0; number < MessageCount; number++)
            {
                failedPublishes += await PublishUntilConfirmedAsync(bus, new NumberedWork { Number = number });
                if (number == StopAfter)
                {
                    reachedStopPoint.TrySetResult();
                    await brokerDown.Task;
                }
            }
        });

        await reachedStopPoint.Task.WaitAsync(TimeSpan.FromMinutes(2));
        await broker.StopAsync();
        brokerDown.SetResult();
        await Task.Delay(TimeSpan.FromSeconds(1));
        await broker.StartAsync();
        await publisher.WaitAsync(TimeSpan.FromMinutes(3));

        var allApplied = await TestHosts.EventuallyAsync(() => log.EffectCount == MessageCount, TimeSpan.FromMinutes(2));
        await Task.Delay(TimeSpan.FromSeconds(2)); // Late duplicates, if any, would arrive now.
        output.WriteLine($"deliveries {log.Deliveries.Values.Sum()}, redelivered numbers {log.Deliveries.Count(pair => pair.Value > 1)}, publish attempts that failed during the outage {failedPublishes}");

        Assert.True(allApplied, $"only {log.EffectCount} of {MessageCount} messages were consumed");
        Assert.Equal(MessageCount, log.EffectCount);
        Assert.Equal(Enumerable.Range(0, MessageCount), log.Effects.Keys.Order());
        // The publisher met the outage: a publish attempt timed out (5 s) while the broker was restarting (7 s or more).
        Assert.True(failedPublishes > 0, "no publish attempt failed: the broker was not down while the run went on");
        await host.StopAsync();
    }

    /// <summary>Publishes with confirmation, retrying while the broker is away; returns the number of failed attempts.</summary>
    private static async Task<int> PublishUntilConfirmedAsync(IBus bus, NumberedWork message)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        for (var failures = 0; ; failures++)
        {
            try
            {
                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await bus.Publish(message, attempt.Token);
                return failures;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
