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
        var study = await db.Studies.AsNoTracking().Include(s => s.Transitions.Where(t => t.Stage == stage))
            .SingleOrDefaultAsync(s => s.StudyId == studyId, cancellationToken);
        return study is not null && Finished(study, stage);
    }

    private static bool Finished(StudyRecord study, PipelineStage stage) =>
        study.Status is StudyStatus.Completed or StudyStatus.Failed
        || study.Transitions.Any(t => t.Stage == stage && t.Outcome != StageOutcome.Started);

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
            IQueryable<StudyRecord> studies = stage is { } of ? db.Studies.Include(s => s.Transitions.Where(t => t.Stage == of)) : db.Studies;
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
            .Where(s => s.Status != StudyStatus.Completed && s.Status != StudyStatus.Failed && s.CreatedAt < createdBefore)
            .OrderBy(s => s.CreatedAt)
            .Take(take)
            .ToListAsync(cancellationToken);
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

    private async Task<bool> ExistsAsync(Guid studyId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Studies.AnyAsync(s => s.StudyId == studyId, cancellationToken);
    }
}
