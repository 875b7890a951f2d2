using Microsoft.EntityFrameworkCore;
using Spine.Contracts.V1;

namespace Spine.Platform.Ledger;

internal sealed class EfStudyLedger(IDbContextFactory<LedgerDbContext> contexts, TimeProvider clock) : IStudyLedger
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

    public async Task RecordAsync(Guid studyId, PipelineStage stage, StageOutcome outcome, string? detail = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var study = await db.Studies.SingleOrDefaultAsync(s => s.StudyId == studyId, cancellationToken)
            ?? throw new InvalidOperationException($"Study {studyId} is not in the ledger; register it before recording stages.");
        var now = clock.GetUtcNow();
        db.Transitions.Add(new StageTransition { StudyId = studyId, Stage = stage, Outcome = outcome, At = now, Detail = detail });

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

        await db.SaveChangesAsync(cancellationToken);
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
