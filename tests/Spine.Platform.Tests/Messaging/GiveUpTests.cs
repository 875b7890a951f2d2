using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;

namespace Spine.Platform.Tests.Messaging.GiveUp;

public sealed class Outcomes
{
    public ConcurrentDictionary<Guid, int> Attempts { get; } = new();
    public ConcurrentBag<StudyFailed> Failed { get; } = [];
    public ConcurrentDictionary<Guid, bool> Segmented { get; } = new();
}

/// <summary>A segmentation stage whose store is out of reach for the first <c>FailuresBeforeSuccess</c> attempts (by StudyId's last byte).</summary>
public sealed class UnreachableStoreConsumer(Outcomes outcomes) : IConsumer<VolumePrepared>
{
    public Task Consume(ConsumeContext<VolumePrepared> context)
    {
        var attempt = outcomes.Attempts.AddOrUpdate(context.Message.StudyId, 1, (_, n) => n + 1);
        if (attempt <= context.Message.StudyId.ToByteArray()[15])
        {
            throw new IOException("object store unreachable");
        }

        outcomes.Segmented[context.Message.StudyId] = true;
        return Task.CompletedTask;
    }
}

public sealed class FailureRecorder(Outcomes outcomes) : IConsumer<StudyFailed>
{
    public Task Consume(ConsumeContext<StudyFailed> context)
    {
        outcomes.Failed.Add(context.Message);
        return Task.CompletedTask;
    }
}

public sealed class GiveUpTests
{
    private static Dictionary<string, string?> Settings() => new()
    {
        ["Spine:Bus:Retry:Intervals:0"] = "00:00:00.010",
        ["Spine:Bus:Retry:Intervals:1"] = "00:00:00.010",
        ["Spine:Bus:Redelivery:Intervals:0"] = "00:00:00.200",
    };

    private static VolumePrepared Prepared(byte failures)
    {
        var id = Guid.NewGuid().ToByteArray();
        id[15] = failures;
        return new VolumePrepared
        {
            StudyId = new Guid(id), StudyInstanceUid = "2.25.1", CorrelationId = Guid.NewGuid(), OccurredAt = DateTimeOffset.UnixEpoch,
            SeriesInstanceUid = "2.25.2", SelectionReason = "test", Slabs = [],
            Volume = new ObjectRef { Bucket = "b", Key = "k", ContentType = "application/gzip", Length = 1, Sha256 = "0" },
        };
    }

    private static Task<Microsoft.Extensions.Hosting.IHost> StartAsync(Outcomes outcomes) =>
        TestHosts.StartBusAsync(Settings(), bus =>
        {
            bus.AddConsumer<UnreachableStoreConsumer>();
            bus.AddConsumer<FailureRecorder>();
        }, services => services.AddSingleton(outcomes));

    [Fact]
    public async Task A_stage_message_that_fails_every_retry_and_redelivery_ends_its_study_with_study_failed_once()
    {
        var outcomes = new Outcomes();
        using var host = await StartAsync(outcomes);
        var message = Prepared(failures: 200);

        await host.Services.GetRequiredService<IBus>().Publish(message);

        Assert.True(await TestHosts.EventuallyAsync(() => !outcomes.Failed.IsEmpty, TimeSpan.FromSeconds(15)), "no StudyFailed after every retry failed");
        var failed = Assert.Single(outcomes.Failed);
        Assert.Equal((message.StudyId, PipelineStage.Segmentation, "retries-exhausted"), (failed.StudyId, failed.Stage, failed.Code));
        Assert.Equal("Segmentation gave up after every retry: IOException", failed.Reason);
        Assert.Equal(6, outcomes.Attempts[message.StudyId]); // three immediate attempts, then one redelivery of three
        await host.StopAsync();
    }

    [Fact]
    public async Task The_ledger_records_the_failure_and_a_study_already_reported_is_not_ended_again()
    {
        var outcomes = new Outcomes();
        var folder = Directory.CreateTempSubdirectory("spine-give-up-").FullName;
        var settings = Settings();
        settings["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(folder, "ledger.db")};Pooling=False";
        var builder = TestHosts.Builder(settings);
        builder.Services.AddSingleton(outcomes);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddSpineLedger();
        builder.AddSpineBus(bus =>
        {
            bus.AddConsumer<UnreachableStoreConsumer>();
            bus.AddConsumer<FailureRecorder>();
        });
        builder.Services.Configure<MassTransitHostOptions>(host => host.WaitUntilStarted = true);
        using var host = builder.Build();
        await host.StartAsync();
        var ledger = host.Services.GetRequiredService<IStudyLedger>();
        var (failing, reported) = (Prepared(failures: 200), Prepared(failures: 200));
        await ledger.RegisterAsync(failing.StudyId, failing.StudyInstanceUid);
        await ledger.RegisterAsync(reported.StudyId, reported.StudyInstanceUid);
        await ledger.RecordAsync(reported.StudyId, PipelineStage.Reporting, StageOutcome.Completed);

        await host.Services.GetRequiredService<IBus>().Publish(reported);
        await host.Services.GetRequiredService<IBus>().Publish(failing);

        Assert.True(await TestHosts.EventuallyAsync(() => !outcomes.Failed.IsEmpty && outcomes.Attempts.GetValueOrDefault(reported.StudyId) == 6, TimeSpan.FromSeconds(15)), "no StudyFailed");
        await host.StopAsync();
        Assert.Equal(failing.StudyId, Assert.Single(outcomes.Failed).StudyId);
        var failed = (await ledger.FindAsync(failing.StudyId))!;
        Assert.Equal(StudyStatus.Failed, failed.Status);
        Assert.Equal("retries-exhausted: Segmentation gave up after every retry: IOException", failed.Transitions.Single().Detail);
        Assert.Equal(StudyStatus.Completed, (await ledger.FindAsync(reported.StudyId))!.Status);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public async Task A_stage_message_that_a_redelivery_saves_ends_nothing()
    {
        var outcomes = new Outcomes();
        using var host = await StartAsync(outcomes);
        var message = Prepared(failures: 4); // past the immediate retries, saved by the redelivery

        await host.Services.GetRequiredService<IBus>().Publish(message);

        Assert.True(await TestHosts.EventuallyAsync(() => outcomes.Segmented.ContainsKey(message.StudyId), TimeSpan.FromSeconds(15)), "never segmented");
        await host.StopAsync();
        Assert.Empty(outcomes.Failed);
    }
}
