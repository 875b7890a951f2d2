using System.Diagnostics;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;

namespace Spine.Platform.Messaging;

/// <summary>
/// Publishes what stages queued in the ledger's outbox, oldest first, each with the MessageId it was queued with, and
/// marks it sent. Every process runs one; a message is claimed for ten seconds before it is published, so two relays do
/// not publish it at once, and one whose relay died is taken over when the claim runs out (published at least once;
/// the stages drop a repeat). Sent messages are deleted after a day.
/// </summary>
internal sealed partial class OutboxRelay(IDbContextFactory<LedgerDbContext> contexts, IBus bus, OutboxSignal signal, TimeProvider clock, ILogger<OutboxRelay> logger)
    : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Claim = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan KeepSent = TimeSpan.FromDays(1);
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var published = await RelayAsync(stoppingToken);
                failures = 0;
                if (published == 0)
                {
                    await signal.WaitAsync(Poll, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database or the broker is out of reach: the messages stay queued; try again, less often the longer it lasts.
                failures++;
                LogRelayFailed(logger, ex.GetType().Name, failures);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, failures)), clock, stoppingToken);
            }
        }
    }

    /// <summary>Publishes every message queued and not claimed; returns how many.</summary>
    internal async Task<int> RelayAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var pending = await db.Outbox.AsNoTracking()
            .Where(m => m.SentAt == null && (m.LeasedUntil == null || m.LeasedUntil < now))
            .OrderBy(m => m.Id).Take(100)
            .ToListAsync(cancellationToken);
        var published = 0;
        foreach (var row in pending)
        {
            var claimedUntil = clock.GetUtcNow() + Claim;
            var claimed = await db.Outbox
                .Where(m => m.Id == row.Id && m.SentAt == null && (m.LeasedUntil == null || m.LeasedUntil < now))
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.LeasedUntil, claimedUntil), cancellationToken);
            if (claimed == 0)
            {
                continue; // another relay took it
            }

            await PublishAsync(row, cancellationToken);
            var sentAt = clock.GetUtcNow();
            await db.Outbox.Where(m => m.Id == row.Id).ExecuteUpdateAsync(set => set.SetProperty(m => m.SentAt, sentAt), CancellationToken.None);
            published++;
        }

        if (now >= _nextSweep)
        {
            _nextSweep = now + TimeSpan.FromMinutes(10);
            var before = now - KeepSent;
            await db.Outbox.Where(m => m.SentAt != null && m.SentAt < before).ExecuteDeleteAsync(cancellationToken);
        }

        return published;
    }

    private async Task PublishAsync(OutboxMessage row, CancellationToken cancellationToken)
    {
        var message = OutboxEnvelope.Read(row);

        // The stage's trace goes on through the publish, as it would have had the stage published itself.
        using var activity = SpineTelemetry.Source.StartActivity("outbox publish", ActivityKind.Internal, row.TraceParent);
        activity?.SetTag(SpineTelemetry.StudyIdTag, row.StudyId.ToString());
        activity?.SetTag("messaging.message.type", message.GetType().Name);
        await bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context => context.MessageId = row.MessageId), cancellationToken);
        LogPublished(logger, row.StudyId, message.GetType().Name);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Study {StudyId}: {MessageType} published from the outbox")]
    private static partial void LogPublished(ILogger logger, Guid studyId, string messageType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay cannot reach the ledger or the broker ({Error}, {Failures} times in a row); queued messages wait")]
    private static partial void LogRelayFailed(ILogger logger, string error, int failures);
}
