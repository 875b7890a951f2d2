using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;

namespace Spine.Platform.Tests.Ledger;

/// <summary>What the ledger must do on every database it supports.</summary>
public abstract partial class StudyLedgerContract
{
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 28, 8, 0, 0, TimeSpan.Zero));

    /// <summary>A ledger on a fresh, empty database, its schema created.</summary>
    protected abstract Task<IStudyLedger> CreateLedgerAsync();

    /// <summary>The database of the ledger <see cref="CreateLedgerAsync"/> made.</summary>
    protected IDbContextFactory<LedgerDbContext> Contexts { get; private set; } = null!;

    protected OutboxSignal Signal { get; } = new();

    protected async Task<IStudyLedger> CreateAsync(DbContextOptions<LedgerDbContext> options, TimeProvider clock)
    {
        var factory = new PooledDbContextFactory<LedgerDbContext>(options);
        await using (var db = await factory.CreateDbContextAsync())
        {
            await db.Database.EnsureCreatedAsync();
        }

        Contexts = factory;
        return new EfStudyLedger(factory, clock, Signal);
    }

    [Fact]
    public async Task Unfinished_lists_studies_that_started_a_stage_and_neither_completed_nor_failed_it()
    {
        var ledger = await CreateLedgerAsync();
        var (receiving, received, failed, other) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in new[] { receiving, received, failed, other })
        {
            await ledger.RegisterAsync(id, $"2.25.{id.GetHashCode() & 0xffff}");
        }

        await ledger.RecordAsync(receiving, PipelineStage.Ingestion, StageOutcome.Started);
        await ledger.RecordAsync(received, PipelineStage.Ingestion, StageOutcome.Started);
        await ledger.RecordAsync(received, PipelineStage.Ingestion, StageOutcome.Completed);
        await ledger.RecordAsync(failed, PipelineStage.Ingestion, StageOutcome.Started);
        await ledger.RecordAsync(failed, PipelineStage.Ingestion, StageOutcome.Failed);
        await ledger.RecordAsync(other, PipelineStage.Preprocessing, StageOutcome.Started);

        Assert.Equal([receiving], (await ledger.ListUnfinishedAsync(PipelineStage.Ingestion)).Select(s => s.StudyId));
        Assert.Equal([other], (await ledger.ListUnfinishedAsync(PipelineStage.Preprocessing)).Select(s => s.StudyId));
    }

    [Fact]
    public async Task Backlog_counts_unfinished_studies_by_the_stage_they_wait_for_with_the_oldest_change()
    {
        var ledger = await CreateLedgerAsync();
        var (registered, waitingEarly, waitingLate, working, done, failed) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var id in new[] { registered, waitingEarly, waitingLate, working, done, failed })
        {
            await ledger.RegisterAsync(id, $"2.25.{id.GetHashCode() & 0xffff}");
        }

        var start = Clock.GetUtcNow();
        await ledger.RecordAsync(waitingEarly, PipelineStage.Preprocessing, StageOutcome.Completed); // waits for segmentation
        Clock.Advance(TimeSpan.FromMinutes(3));
        await ledger.RecordAsync(waitingLate, PipelineStage.Segmentation, StageOutcome.Started); // in segmentation
        await ledger.RecordAsync(working, PipelineStage.Classification, StageOutcome.Started);
        await ledger.RecordAsync(done, PipelineStage.Reporting, StageOutcome.Completed);
        await ledger.RecordAsync(failed, PipelineStage.Explanation, StageOutcome.Failed);

        var backlog = await ledger.ListBacklogAsync();

        Assert.Equal(
            [new(PipelineStage.Ingestion, 1, start), new(PipelineStage.Segmentation, 2, start), new(PipelineStage.Classification, 1, start + TimeSpan.FromMinutes(3))],
            backlog.Select(b => b with { OldestSince = b.OldestSince.ToUniversalTime() }));
    }

    [Fact]
    public async Task Backlog_monitor_reads_each_stages_backlog_and_the_age_of_its_oldest_study()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.99");
        await ledger.RecordAsync(studyId, PipelineStage.Classification, StageOutcome.Completed);
        Clock.Advance(TimeSpan.FromSeconds(90));

        var read = await new StudyBacklogMonitor(ledger, Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<StudyBacklogMonitor>.Instance).ReadAsync(CancellationToken.None);

        Assert.Equal(Enum.GetValues<PipelineStage>(), read.Select(b => b.Stage)); // every stage, those with no backlog at 0
        Assert.Equal((PipelineStage.Explanation, 1, TimeSpan.FromSeconds(90)), read.Single(b => b.Studies > 0));
    }

    [Fact]
    public async Task Stage_transitions_round_trip_with_their_times_in_order()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        var received = Clock.GetUtcNow();

        await ledger.RegisterAsync(studyId, "2.25.1234");
        await ledger.RecordAsync(studyId, PipelineStage.Ingestion, StageOutcome.Completed, "96 instances");
        Clock.Advance(TimeSpan.FromSeconds(2.5));
        await ledger.RecordAsync(studyId, PipelineStage.Preprocessing, StageOutcome.Started);
        Clock.Advance(TimeSpan.FromMilliseconds(750));
        await ledger.RecordAsync(studyId, PipelineStage.Preprocessing, StageOutcome.Completed);

        var study = await ledger.FindAsync(studyId);

        Assert.NotNull(study);
        Assert.Equal("2.25.1234", study.StudyInstanceUid);
        Assert.Equal(StudyStatus.InProgress, study.Status);
        Assert.Equal(PipelineStage.Preprocessing, study.Stage);
        Assert.Equal(received, study.CreatedAt);
        Assert.Equal(received.AddSeconds(3.25), study.UpdatedAt);
        Assert.Equal(
            [
                (PipelineStage.Ingestion, StageOutcome.Completed, received, "96 instances"),
                (PipelineStage.Preprocessing, StageOutcome.Started, received.AddSeconds(2.5), null),
                (PipelineStage.Preprocessing, StageOutcome.Completed, received.AddSeconds(3.25), null),
            ],
            study.Transitions.Select(t => (t.Stage, t.Outcome, t.At, t.Detail)).ToArray());
    }

    [Fact]
    public async Task A_failed_stage_marks_the_study_failed_with_its_reason()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.99");

        await ledger.RecordAsync(studyId, PipelineStage.Preprocessing, StageOutcome.Failed, "no-axial-t2-series: no axial T2 series");

        var study = await ledger.FindAsync(studyId);
        Assert.Equal(StudyStatus.Failed, study!.Status);
        Assert.Equal("no-axial-t2-series: no axial T2 series", study.Transitions.Single().Detail);
    }

    [Fact]
    public async Task Reporting_completed_marks_the_study_completed()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.7");

        await ledger.RecordAsync(studyId, PipelineStage.Reporting, StageOutcome.Completed);

        Assert.Equal(StudyStatus.Completed, (await ledger.FindAsync(studyId))!.Status);
    }

    [Theory]
    [InlineData(StageOutcome.Completed)]
    [InlineData(StageOutcome.Failed)]
    public async Task A_completed_or_failed_study_is_not_reopened_by_a_stage_recorded_after_it(StageOutcome end)
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.8");
        await ledger.RecordAsync(studyId, PipelineStage.Reporting, end);

        // An upstream message redelivered after the end: its stage starts and completes again.
        await ledger.RecordAsync(studyId, PipelineStage.Segmentation, StageOutcome.Started);
        await ledger.RecordAsync(studyId, PipelineStage.Segmentation, StageOutcome.Completed);
        await ledger.RecordAsync(studyId, PipelineStage.Classification, StageOutcome.Started);

        var study = (await ledger.FindAsync(studyId))!;
        Assert.Equal(end == StageOutcome.Completed ? StudyStatus.Completed : StudyStatus.Failed, study.Status);
        Assert.Equal(PipelineStage.Reporting, study.Stage);
        Assert.Equal(4, study.Transitions.Count); // the late transitions are kept for the audit trail
        Assert.DoesNotContain(await ledger.ListUnfinishedAsync(PipelineStage.Classification), s => s.StudyId == studyId); // nothing for recovery to re-drive
    }

    [Fact]
    public async Task Registering_a_study_twice_keeps_one_record()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();

        await ledger.RegisterAsync(studyId, "2.25.5");
        Clock.Advance(TimeSpan.FromMinutes(1));
        await ledger.RegisterAsync(studyId, "2.25.5");

        var all = await ledger.ListAsync(0, 100);
        Assert.Single(all, s => s.StudyId == studyId);
        Assert.Equal(Clock.GetUtcNow().AddMinutes(-1), all.Single(s => s.StudyId == studyId).CreatedAt);
    }

    [Fact]
    public async Task Studies_are_listed_newest_first_in_pages()
    {
        var ledger = await CreateLedgerAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await ledger.RegisterAsync(id, $"2.25.{i}");
            Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var page = await ledger.ListAsync(1, 2);

        Assert.Equal([ids[3], ids[2]], page.Select(s => s.StudyId).ToArray());
    }

    [Fact]
    public async Task Recording_a_stage_for_an_unknown_study_names_the_study()
    {
        var ledger = await CreateLedgerAsync();
        var unknown = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.RecordAsync(unknown, PipelineStage.Segmentation, StageOutcome.Started));

        Assert.Contains(unknown.ToString(), error.Message, StringComparison.Ordinal);
    }
}
