using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Spine.Contracts.V1;

namespace Spine.Platform.Ledger;

internal sealed class EfStudyLedger(IDbContextFactory<LedgerDbContext> contexts, TimeProvider clock, OutboxSignal signal) : IStudyLedger
{
    public async Task RegisterAsync(Guid studyId, string studyInstanceUid, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Studies.AnyAsync(s => s.StudyId == studyId, cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow();
        db.Studies.Add(new StudyRecord
        {
            StudyId = studyId,
            StudyInstanceUid = studyInstanceUid,
            Status = StudyStatus.Received,
            CreatedAt = now,
            UpdatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another consumer may have registered it between the check and the insert: the outcome is the same.
            if (!await ExistsAsync(studyId, cancellationToken))
            {
                throw;
            }
        }
    }

    public Task RecordAsync(Guid studyId, PipelineStage stage, StageOutcome outcome, string? detail = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(studyId, stage: null, (db, study, now) =>
        {
            Append(db, study, stage, outcome, detail, now);
            return true;
        }, cancellationToken);

    public Task<bool> FinishStageAsync(Guid studyId, PipelineStage stage, StageOutcome outcome, string? detail, IReadOnlyList<IStudyMessage> publish, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publish);
        if (outcome == StageOutcome.Started)
        {
            throw new ArgumentException("a stage finishes by Completed or Failed.", nameof(outcome));
        }

        var traceParent = Activity.Current?.Id;
        return ChangeAsync(studyId, stage, (db, study, now) =>
        {
            if (Finished(study, stage))
            {
                return false;
            }

            Append(db, study, stage, outcome, detail, now);
            db.Outbox.AddRange(publish.Select(message => OutboxEnvelope.Write(message, now, traceParent)));
            return true;
        }, cancellationToken);
    }

    public async Task<bool> IsStageFinishedAsync(Guid studyId, PipelineStage stage, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.AsNoTracking().Include(s => s.Transitions.Where(t => t.Stage == stage || t.Outcome == StageOutcome.Rerun))
            .SingleOrDefaultAsync(s => s.StudyId == studyId, cancellationToken);
        return study is not null && Finished(study, stage);
    }

    /// <summary>The study has ended, or the stage has ended for it since the latest re-run from this stage or an earlier one.</summary>
    private static bool Finished(StudyRecord study, PipelineStage stage)
    {
        if (study.Status is StudyStatus.Completed or StudyStatus.Failed)
        {
            return true;
        }

        var since = study.Transitions.Where(t => t.Outcome == StageOutcome.Rerun && t.Stage <= stage).Select(t => t.Id).DefaultIfEmpty(0).Max();
        return study.Transitions.Any(t => t.Stage == stage && t.Id > since && t.Outcome is StageOutcome.Completed or StageOutcome.Failed);
    }

    public async Task<RerunOutcome> RequestRerunAsync(Guid studyId, PipelineStage from, string requestedBy, IStudyMessage input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!await ExistsAsync(studyId, cancellationToken))
        {
            return RerunOutcome.NotFound;
        }

        var traceParent = Activity.Current?.Id;
        var queued = await ChangeAsync(studyId, stage: null, (db, study, now) =>
        {
            if (study.Status is not (StudyStatus.Completed or StudyStatus.Failed))
            {
                return false;
            }

            db.Transitions.Add(new StageTransition { StudyId = studyId, Stage = from, Outcome = StageOutcome.Rerun, At = now, Detail = $"re-run from {from} requested by {requestedBy}" });
            (study.Status, study.Stage, study.UpdatedAt) = (StudyStatus.InProgress, from, now);
            db.Outbox.Add(OutboxEnvelope.Write(input, now, traceParent));
            return true;
        }, cancellationToken);
        return queued ? RerunOutcome.Queued : RerunOutcome.InProgress;
    }

    /// <summary>
    /// Reads the study (with its transitions of <paramref name="stage"/> when one is named), lets <paramref name="change"/>
    /// decide and change, and saves; when another process changed the study meanwhile (its Version moved), reads and
    /// decides again.
    /// </summary>
    private async Task<bool> ChangeAsync(Guid studyId, PipelineStage? stage, Func<LedgerDbContext, StudyRecord, DateTimeOffset, bool> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            IQueryable<StudyRecord> studies = stage is { } of ? db.Studies.Include(s => s.Transitions.Where(t => t.Stage == of || t.Outcome == StageOutcome.Rerun)) : db.Studies;
            var study = await studies.SingleOrDefaultAsync(s => s.StudyId == studyId, cancellationToken)
                ?? throw new InvalidOperationException($"Study {studyId} is not in the ledger; register it before recording stages.");
            if (!change(db, study, clock.GetUtcNow()))
            {
                return false;
            }

            study.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                if (db.ChangeTracker.Entries<OutboxMessage>().Any())
                {
                    signal.Notify();
                }

                return true;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 10)
            {
                // Another process changed the study between the read and the write: decide again on what it wrote.
            }
        }
    }

    private static void Append(LedgerDbContext db, StudyRecord study, PipelineStage stage, StageOutcome outcome, string? detail, DateTimeOffset now)
    {
        db.Transitions.Add(new StageTransition { StudyId = study.StudyId, Stage = stage, Outcome = outcome, At = now, Detail = detail });

        // Completed and Failed are final: a redelivered upstream message after the report (or after the failure) is
        // recorded as a transition, but does not reopen the study, so the reporting stage sees it done and reports nothing twice.
        if (study.Status is not (StudyStatus.Completed or StudyStatus.Failed))
        {
            study.Stage = stage;
            study.UpdatedAt = now;
            study.Status = (stage, outcome) switch
            {
                (_, StageOutcome.Failed) => StudyStatus.Failed,
                (PipelineStage.Reporting, StageOutcome.Completed) => StudyStatus.Completed,
                _ => StudyStatus.InProgress,
            };
        }
    }

    public async Task<StudyRecord?> FindAsync(Guid studyId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AsNoTracking()
            .Include(s => s.Transitions.OrderBy(t => t.Id))
            .SingleOrDefaultAsync(s => s.StudyId == studyId, cancellationToken);
    }

    public async Task<IReadOnlyList<StudyRecord>> ListUnfinishedAsync(PipelineStage stage, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AsNoTracking()
            .Where(s => s.Status != StudyStatus.Completed && s.Status != StudyStatus.Failed
                && s.Transitions.Any(t => t.Stage == stage && t.Outcome == StageOutcome.Started)
                && !s.Transitions.Any(t => t.Stage == stage && t.Outcome != StageOutcome.Started))
            .OrderBy(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StudyRecord>> FindByStudyInstanceUidAsync(string studyInstanceUid, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AsNoTracking()
            .Where(s => s.StudyInstanceUid == studyInstanceUid)
            .OrderByDescending(s => s.CreatedAt)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StudyRecord>> ListOverdueAsync(DateTimeOffset createdBefore, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AsNoTracking()
            .Where(s => s.Status != StudyStatus.Completed && s.Status != StudyStatus.Failed && s.CreatedAt < createdBefore
                && !s.Transitions.Any(t => t.Outcome == StageOutcome.Rerun && t.At >= createdBefore)) // a re-run's time runs from its request
            .OrderBy(s => s.CreatedAt)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StudyBacklog>> ListBacklogAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // One row per unfinished study (a backlog is hundreds, not millions); grouped here because the stage awaited
        // depends on the latest transition's outcome, which the database would group only through a nested query.
        var unfinished = await db.Studies.AsNoTracking()
            .Where(s => s.Status != StudyStatus.Completed && s.Status != StudyStatus.Failed)
            .Select(s => new
            {
                s.UpdatedAt,
                Last = s.Transitions.OrderByDescending(t => t.Id).Select(t => new { t.Stage, t.Outcome }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. unfinished
            .GroupBy(s => StageTransition.Awaited(s.Last?.Stage, s.Last?.Outcome))
            .Select(g => new StudyBacklog(g.Key, g.Count(), g.Min(s => s.UpdatedAt)))
            .OrderBy(b => b.Stage)];
    }

    public async Task<IReadOnlyList<StudyRecord>> ListAsync(int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AsNoTracking()
            .OrderByDescending(s => s.CreatedAt)
            .Skip(skip)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    public async Task<(IReadOnlyList<StudyRecord> Page, int Total)> ListWithTransitionsAsync(StudyStatus? status, DateTimeOffset? from, DateTimeOffset? to, int skip, int take, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var studies = db.Studies.AsNoTracking();
        if (status is { } wanted)
        {
            studies = studies.Where(s => s.Status == wanted);
        }

        if (from is { } start)
        {
            studies = studies.Where(s => s.CreatedAt >= start);
        }

        if (to is { } end)
        {
            studies = studies.Where(s => s.CreatedAt < end);
        }

        var total = await studies.CountAsync(cancellationToken);
        var page = await studies.Include(s => s.Transitions.OrderBy(t => t.Id))
            .OrderByDescending(s => s.CreatedAt)
            .Skip(skip)
            .Take(take)
            .AsSplitQuery()
            .ToListAsync(cancellationToken);
        return (page, total);
    }

    public async Task RecordExportAsync(Guid studyId, string destination, ExportOutcome outcome, int attempt, string? detail, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Exports.Add(new ExportAttempt
        {
            StudyId = studyId,
            Destination = destination,
            Outcome = outcome,
            Attempt = attempt,
            At = clock.GetUtcNow(),
            Detail = detail is { Length: > 500 } ? detail[..500] : detail,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ExportAttempt>> ListExportsAsync(Guid studyId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Exports.AsNoTracking().Where(e => e.StudyId == studyId).OrderBy(e => e.Id).ToListAsync(cancellationToken);
    }

    private async Task<bool> ExistsAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AnyAsync(s => s.StudyId == studyId, cancellationToken);
    }
}
