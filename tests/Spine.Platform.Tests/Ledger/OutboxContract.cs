using System.Collections.Concurrent;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;

namespace Spine.Platform.Tests.Ledger;

/// <summary>The ledger's outbox on every database it supports: a stage's end and its message commit together, once.</summary>
public abstract partial class StudyLedgerContract
{
    private static StudyReceived Received(Guid studyId) => new()
    {
        StudyId = studyId,
        StudyInstanceUid = "2.25." + (studyId.GetHashCode() & 0xffffff),
        CorrelationId = studyId,
        OccurredAt = DateTimeOffset.UnixEpoch,
        Source = "folder",
        Manifest = new ObjectRef { Bucket = "spine", Key = $"studies/{studyId}/manifest.json", ContentType = "application/json", Length = 1, Sha256 = new string('0', 64) },
        InstanceCount = 20,
        RejectedFileCount = 0,
    };

    /// <summary>A real in-memory MassTransit bus whose one consumer records every StudyReceived with its MessageId.</summary>
    private static ServiceProvider CollectingBus(ConcurrentQueue<(Guid? MessageId, StudyReceived Message)> seen) =>
        new ServiceCollection()
            .AddSingleton(seen)
            .AddMassTransit(bus =>
            {
                bus.AddConsumer<ReceivedCollector>();
                bus.UsingInMemory((context, transport) => transport.ConfigureEndpoints(context));
            })
            .BuildServiceProvider();

    [Fact]
    public async Task Finishing_a_stage_queues_its_message_with_it_and_a_second_finish_queues_nothing()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.41");

        Assert.True(await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "20 instances", [Received(studyId)]));
        Assert.False(await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "20 instances", [Received(studyId)]));
        Assert.False(await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Failed, "late failure", [Received(studyId)]));

        await using var db = await Contexts.CreateDbContextAsync();
        var queued = Assert.Single(await db.Outbox.ToListAsync());
        Assert.Equal(typeof(StudyReceived).FullName, queued.MessageType);
        Assert.Null(queued.SentAt);
        Assert.Equal(Received(studyId), OutboxEnvelope.Read(queued));
        Assert.Single((await ledger.FindAsync(studyId))!.Transitions, t => t.Outcome == StageOutcome.Completed);
        Assert.True(await ledger.IsStageFinishedAsync(studyId, PipelineStage.Ingestion));
        Assert.False(await ledger.IsStageFinishedAsync(studyId, PipelineStage.Preprocessing));
    }

    [Fact]
    public async Task Two_attempts_finishing_one_stage_at_once_leave_one_transition_and_one_message()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.42");
        await ledger.RecordAsync(studyId, PipelineStage.Reporting, StageOutcome.Started);

        var finishes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            ledger.FinishStageAsync(studyId, PipelineStage.Reporting, StageOutcome.Completed, "report", [Received(studyId)]))));

        Assert.Single(finishes, won => won);
        await using var db = await Contexts.CreateDbContextAsync();
        Assert.Equal(1, await db.Outbox.CountAsync());
        var study = (await ledger.FindAsync(studyId))!;
        Assert.Equal(StudyStatus.Completed, study.Status);
        Assert.Single(study.Transitions, t => t.Outcome == StageOutcome.Completed);
    }

    [Fact]
    public async Task Relays_publish_each_queued_message_once_with_its_message_id_and_mark_it_sent()
    {
        var ledger = await CreateLedgerAsync();
        var studies = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        foreach (var studyId in studies)
        {
            await ledger.RegisterAsync(studyId, "2.25.43");
            await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "20 instances", [Received(studyId)]);
        }

        var seen = new ConcurrentQueue<(Guid? MessageId, StudyReceived Message)>();
        await using var provider = CollectingBus(seen);
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync();
        try
        {
            // Two relays on one database, as two processes would run them.
            var relays = Enumerable.Range(0, 2).Select(_ => new OutboxRelay(Contexts, control, Signal, Clock, NullLogger<OutboxRelay>.Instance)).ToList();
            var published = await Task.WhenAll(relays.Select(relay => relay.RelayAsync(CancellationToken.None)));

            Assert.Equal(studies.Count, published.Sum());
            Assert.True(await TestHosts.EventuallyAsync(() => seen.Count >= studies.Count, TimeSpan.FromSeconds(10)));
            await Task.Delay(200);
            Assert.Equal(studies.Order(), seen.Select(s => s.Message.StudyId).Order());
            await using var db = await Contexts.CreateDbContextAsync();
            var rows = await db.Outbox.ToListAsync();
            Assert.All(rows, row => Assert.NotNull(row.SentAt));
            Assert.Equal(rows.Select(r => (Guid?)r.MessageId).Order(), seen.Select(s => s.MessageId).Order());
            Assert.Equal(0, await relays[0].RelayAsync(CancellationToken.None));
        }
        finally
        {
            await control.StopAsync();
        }
    }

    [Fact]
    public async Task A_message_claimed_by_a_relay_that_died_is_published_when_its_claim_runs_out()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.44");
        await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "20 instances", [Received(studyId)]);
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            var claimedUntil = Clock.GetUtcNow().AddMinutes(1);
            await db.Outbox.ExecuteUpdateAsync(set => set.SetProperty(m => m.LeasedUntil, claimedUntil));
        }

        var seen = new ConcurrentQueue<(Guid? MessageId, StudyReceived Message)>();
        await using var provider = CollectingBus(seen);
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync();
        try
        {
            var relay = new OutboxRelay(Contexts, control, Signal, Clock, NullLogger<OutboxRelay>.Instance);
            Assert.Equal(0, await relay.RelayAsync(CancellationToken.None));
            Clock.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(1, await relay.RelayAsync(CancellationToken.None));
            Assert.True(await TestHosts.EventuallyAsync(() => seen.Count == 1, TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await control.StopAsync();
        }
    }
}

/// <summary>The study deadline on every database the ledger supports.</summary>
public abstract partial class StudyLedgerContract
{
    [Fact]
    public async Task A_study_past_its_deadline_ends_failed_in_the_stage_it_waited_for_and_queues_study_failed_once()
    {
        var ledger = await CreateLedgerAsync();
        var (waiting, working, done, young) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in new[] { waiting, working, done })
        {
            await ledger.RegisterAsync(id, "2.25.45");
        }

        await ledger.RecordAsync(waiting, PipelineStage.Segmentation, StageOutcome.Completed);   // its message to classification was lost
        await ledger.RecordAsync(working, PipelineStage.Explanation, StageOutcome.Started);      // stuck inside explanation
        await ledger.RecordAsync(done, PipelineStage.Reporting, StageOutcome.Completed);
        Clock.Advance(TimeSpan.FromMinutes(121));
        await ledger.RegisterAsync(young, "2.25.46");
        var deadlines = new StudyDeadlines(ledger, Microsoft.Extensions.Options.Options.Create(new LedgerOptions { StudyDeadlineMinutes = 120 }), Clock, NullLogger<StudyDeadlines>.Instance);

        Assert.Equal(2, await deadlines.EndOverdueAsync(CancellationToken.None));
        Assert.Equal(0, await deadlines.EndOverdueAsync(CancellationToken.None));

        var ended = (await ledger.FindAsync(waiting))!;
        Assert.Equal(StudyStatus.Failed, ended.Status);
        Assert.StartsWith("deadline-exceeded: not completed within 120 minutes of its receipt; stuck in Classification", ended.Transitions[^1].Detail, StringComparison.Ordinal);
        Assert.Equal((PipelineStage.Explanation, StageOutcome.Failed), ((await ledger.FindAsync(working))!.Transitions[^1].Stage, (await ledger.FindAsync(working))!.Transitions[^1].Outcome));
        Assert.Equal(StudyStatus.Completed, (await ledger.FindAsync(done))!.Status);
        Assert.Equal(StudyStatus.Received, (await ledger.FindAsync(young))!.Status);
        await using var db = await Contexts.CreateDbContextAsync();
        var failures = (await db.Outbox.ToListAsync()).Select(OutboxEnvelope.Read).Cast<StudyFailed>().ToList();
        Assert.Equal(new[] { waiting, working }.Order(), failures.Select(f => f.StudyId).Order());
        Assert.All(failures, f => Assert.Equal(StudyDeadlines.Code, f.Code));
    }
}

/// <summary>A ledger made by 0.1.0 (no outbox, no Version column) is brought up to date at start.</summary>
public abstract partial class StudyLedgerContract
{
    [Fact]
    public async Task A_ledger_made_before_the_outbox_is_upgraded_at_start_and_keeps_its_studies()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.47");
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE outbox_messages");
            await db.Database.ExecuteSqlRawAsync("ALTER TABLE studies DROP COLUMN \"Version\"");
            await Assert.ThrowsAnyAsync<Exception>(() => ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "20 instances", [Received(studyId)]));

            await LedgerInitializer.UpgradeAsync(db, CancellationToken.None);
            await LedgerInitializer.UpgradeAsync(db, CancellationToken.None); // every start runs it
        }

        Assert.True(await ledger.FinishStageAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "20 instances", [Received(studyId)]));
        await using var upgraded = await Contexts.CreateDbContextAsync();
        Assert.Single(await upgraded.Outbox.ToListAsync());
        Assert.Equal(StudyStatus.InProgress, (await ledger.FindAsync(studyId))!.Status);
    }
}

public sealed class ReceivedCollector(ConcurrentQueue<(Guid? MessageId, StudyReceived Message)> seen) : IConsumer<StudyReceived>
{
    public Task Consume(ConsumeContext<StudyReceived> context)
    {
        seen.Enqueue((context.MessageId, context.Message));
        return Task.CompletedTask;
    }
}
