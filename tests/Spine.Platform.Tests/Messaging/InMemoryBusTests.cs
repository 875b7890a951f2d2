using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Spine.Platform.Tests.Messaging.InMemory;

public sealed record FlakyWork
{
    public required int Id { get; init; }
    public required int FailuresBeforeSuccess { get; init; }
}

public sealed record SlowWork
{
    public required int Id { get; init; }
}

public sealed class Observations
{
    public ConcurrentDictionary<int, int> Attempts { get; } = new();
    public ConcurrentDictionary<int, bool> Completed { get; } = new();
    private int _running;
    private int _maxRunning;

    public int MaxRunning => Volatile.Read(ref _maxRunning);

    public void Enter()
    {
        var running = Interlocked.Increment(ref _running);
        int seen;
        while (running > (seen = Volatile.Read(ref _maxRunning)) && Interlocked.CompareExchange(ref _maxRunning, running, seen) != seen)
        {
        }
    }

    public void Leave() => Interlocked.Decrement(ref _running);
}

public sealed class FlakyWorkConsumer(Observations observations) : IConsumer<FlakyWork>
{
    public Task Consume(ConsumeContext<FlakyWork> context)
    {
        var attempt = observations.Attempts.AddOrUpdate(context.Message.Id, 1, (_, n) => n + 1);
        if (attempt <= context.Message.FailuresBeforeSuccess)
        {
            throw new InvalidOperationException($"work {context.Message.Id} failed on attempt {attempt}");
        }

        observations.Completed[context.Message.Id] = true;
        return Task.CompletedTask;
    }
}

public sealed class SlowWorkConsumer(Observations observations) : IConsumer<SlowWork>
{
    public async Task Consume(ConsumeContext<SlowWork> context)
    {
        observations.Enter();
        try
        {
            await Task.Delay(100, context.CancellationToken);
        }
        finally
        {
            observations.Leave();
        }

        observations.Completed[context.Message.Id] = true;
    }
}

public sealed class InMemoryBusTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Spine:Bus:Retry:Intervals:0"] = "00:00:00.010",
            ["Spine:Bus:Retry:Intervals:1"] = "00:00:00.010",
            ["Spine:Bus:Redelivery:Intervals:0"] = "00:00:00.200",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    [Fact]
    public async Task Failing_consumer_is_retried_immediately_then_redelivered_until_it_succeeds()
    {
        var observations = new Observations();
        using var host = await TestHosts.StartBusAsync(Settings(), bus => bus.AddConsumer<FlakyWorkConsumer>(), services => services.AddSingleton(observations));
        var bus = host.Services.GetRequiredService<IBus>();

        // Two immediate retries give three attempts; the fourth needs the delayed redelivery.
        await bus.Publish(new FlakyWork { Id = 1, FailuresBeforeSuccess = 3 });

        Assert.True(await TestHosts.EventuallyAsync(() => observations.Completed.ContainsKey(1), TimeSpan.FromSeconds(15)), "the work never completed");
        Assert.Equal(4, observations.Attempts[1]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Concurrency_limit_from_configuration_caps_parallel_consumption()
    {
        var observations = new Observations();
        using var host = await TestHosts.StartBusAsync(
            Settings(("Spine:Bus:ConcurrencyLimits:slow-work", "2")),
            bus => bus.AddConsumer<SlowWorkConsumer>(),
            services => services.AddSingleton(observations));
        var bus = host.Services.GetRequiredService<IBus>();

        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => bus.Publish(new SlowWork { Id = i })));

        Assert.True(await TestHosts.EventuallyAsync(() => observations.Completed.Count == 12, TimeSpan.FromSeconds(15)), "not all work completed");
        Assert.Equal(2, observations.MaxRunning);
        await host.StopAsync();
    }
}
