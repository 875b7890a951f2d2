using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Spine.Ingestion;

/// <summary>
/// Reopens at start the studies the last stop interrupted (before the storage SCP listens), then completes quiet
/// studies every second; at stop, completes those already quiet and leaves the rest to the next start.
/// </summary>
internal sealed partial class OpenStudiesService(OpenStudies studies, TimeProvider time, ILogger<OpenStudiesService> logger) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await studies.RecoverAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // New studies must still come in; the unfinished ones stay in the ledger for the next start.
            LogRecoveryFailed(logger, ex.GetType().Name, ex.Message);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await studies.CompleteQuietStudiesAsync();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            await studies.CompleteQuietStudiesAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Studies interrupted by the last stop could not be recovered ({Error}: {Reason}); they stay in the ledger for the next start")]
    private static partial void LogRecoveryFailed(ILogger logger, string error, string reason);
}
