using Microsoft.EntityFrameworkCore;
using Spine.Contracts.V1;
using Spine.Platform.Ledger;

namespace Spine.Platform.Tests.Ledger;

/// <summary>Running a study again from a stage, and the console's worklist query, on every database the ledger supports.</summary>
public abstract partial class StudyLedgerContract
{
    [Fact]
    public async Task A_rerun_reopens_a_failed_study_so_the_stages_from_it_run_again_while_earlier_ones_stay_done()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.7001");
        foreach (var stage in new[] { PipelineStage.Preprocessing, PipelineStage.Segmentation })
        {
            await ledger.RecordAsync(studyId, stage, StageOutcome.Started);
            await ledger.FinishStageAsync(studyId, stage, StageOutcome.Completed, "done", []);
        }

        await ledger.RecordAsync(studyId, PipelineStage.Classification, StageOutcome.Started);
        await ledger.FinishStageAsync(studyId, PipelineStage.Classification, StageOutcome.Failed, "retries-exhausted: gave up", []);
        Assert.True(await ledger.IsStageFinishedAsync(studyId, PipelineStage.Segmentation));

        Assert.Equal(RerunOutcome.Queued, await ledger.RequestRerunAsync(studyId, PipelineStage.Segmentation, "operator", Received(studyId)));

        var study = (await ledger.FindAsync(studyId))!;
        Assert.Equal((StudyStatus.InProgress, PipelineStage.Segmentation), (study.Status, study.Stage));
        var rerun = study.Transitions[^1];
        Assert.Equal((PipelineStage.Segmentation, StageOutcome.Rerun), (rerun.Stage, rerun.Outcome));
        Assert.Contains("requested by operator", rerun.Detail, StringComparison.Ordinal);
        Assert.True(await ledger.IsStageFinishedAsync(studyId, PipelineStage.Preprocessing));
        Assert.False(await ledger.IsStageFinishedAsync(studyId, PipelineStage.Segmentation));
        Assert.False(await ledger.IsStageFinishedAsync(studyId, PipelineStage.Classification));
        await using (var db = await Contexts.CreateDbContextAsync())
        {
            Assert.Equal(typeof(StudyReceived).FullName, Assert.Single(await db.Outbox.ToListAsync()).MessageType);
        }

        // The stages run again and end as usual: segmentation once (a repeat is dropped), then the report completes it.
        Assert.True(await ledger.FinishStageAsync(studyId, PipelineStage.Segmentation, StageOutcome.Completed, "again", []));
        Assert.False(await ledger.FinishStageAsync(studyId, PipelineStage.Segmentation, StageOutcome.Completed, "a repeat", []));
        await ledger.FinishStageAsync(studyId, PipelineStage.Reporting, StageOutcome.Completed, "reported", []);
        Assert.Equal(StudyStatus.Completed, (await ledger.FindAsync(studyId))!.Status);
    }

    [Fact]
    public async Task A_rerun_of_a_study_in_progress_is_refused_and_of_an_unknown_study_is_not_found()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.7002");
        await ledger.RecordAsync(studyId, PipelineStage.Preprocessing, StageOutcome.Started);

        Assert.Equal(RerunOutcome.InProgress, await ledger.RequestRerunAsync(studyId, PipelineStage.Preprocessing, "operator", Received(studyId)));
        Assert.Equal(RerunOutcome.NotFound, await ledger.RequestRerunAsync(Guid.NewGuid(), PipelineStage.Preprocessing, "operator", Received(studyId)));
        Assert.DoesNotContain((await ledger.FindAsync(studyId))!.Transitions, t => t.Outcome == StageOutcome.Rerun);
    }

    [Fact]
    public async Task A_study_run_again_long_after_it_arrived_is_overdue_only_a_deadline_after_the_rerun()
    {
        var ledger = await CreateLedgerAsync();
        var studyId = Guid.NewGuid();
        await ledger.RegisterAsync(studyId, "2.25.7003");
        await ledger.FinishStageAsync(studyId, PipelineStage.Preprocessing, StageOutcome.Failed, "a failure", []);
        Clock.Advance(TimeSpan.FromDays(2));
        await ledger.RequestRerunAsync(studyId, PipelineStage.Preprocessing, "operator", Received(studyId));

        Assert.Empty(await ledger.ListOverdueAsync(Clock.GetUtcNow() - TimeSpan.FromMinutes(30), 10));
        Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal([studyId], (await ledger.ListOverdueAsync(Clock.GetUtcNow() - TimeSpan.FromMinutes(30), 10)).Select(s => s.StudyId));
    }

    [Fact]
    public async Task The_worklist_query_filters_by_status_and_day_received_counts_all_matches_and_pages_newest_first()
    {
        var ledger = await CreateLedgerAsync();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var id = Guid.NewGuid();
            ids.Add(id);
            await ledger.RegisterAsync(id, $"2.25.710{i}");
            await ledger.RecordAsync(id, PipelineStage.Preprocessing, StageOutcome.Started);
            if (i % 2 == 0)
            {
                await ledger.FinishStageAsync(id, PipelineStage.Reporting, StageOutcome.Completed, "reported", []);
            }

            Clock.Advance(TimeSpan.FromHours(12));
        }

        var (all, total) = await ledger.ListWithTransitionsAsync(null, null, null, 0, 2);
        Assert.Equal(5, total);
        Assert.Equal([ids[4], ids[3]], all.Select(s => s.StudyId));
        Assert.Equal(PipelineStage.Preprocessing, all[1].Transitions[0].Stage);

        var (completed, completedTotal) = await ledger.ListWithTransitionsAsync(StudyStatus.Completed, null, null, 0, 10);
        Assert.Equal(3, completedTotal);
        Assert.Equal([ids[4], ids[2], ids[0]], completed.Select(s => s.StudyId));

        // Studies 0 and 1 arrived on the first day (08:00 and 20:00), 2 and 3 on the second, 4 on the third.
        var firstDay = new DateTimeOffset(2026, 11, 28, 0, 0, 0, TimeSpan.Zero);
        var (secondDay, secondDayTotal) = await ledger.ListWithTransitionsAsync(null, firstDay.AddDays(1), firstDay.AddDays(2), 0, 10);
        Assert.Equal(2, secondDayTotal);
        Assert.Equal([ids[3], ids[2]], secondDay.Select(s => s.StudyId));
    }

    [Fact]
    public async Task Export_attempts_are_kept_per_study_in_order_with_the_failures_detail_cut_to_500_characters()
    {
        var ledger = await CreateLedgerAsync();
        var (studyId, other) = (Guid.NewGuid(), Guid.NewGuid());
        await ledger.RecordExportAsync(studyId, "pacs", ExportOutcome.Retrying, 1, "SocketException: " + new string('x', 600));
        Clock.Advance(TimeSpan.FromSeconds(2));
        await ledger.RecordExportAsync(studyId, "pacs", ExportOutcome.Stored, 2, null);
        await ledger.RecordExportAsync(other, "pacs", ExportOutcome.GaveUp, 1, "refused");

        var attempts = await ledger.ListExportsAsync(studyId);
        Assert.Equal([ExportOutcome.Retrying, ExportOutcome.Stored], attempts.Select(a => a.Outcome));
        Assert.Equal(500, attempts[0].Detail!.Length);
        Assert.Equal(Clock.GetUtcNow(), attempts[1].At);
        Assert.Null(attempts[1].Detail);
    }
}
