using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Spine.Platform.Ledger;

/// <summary>Creates the ledger's tables at start when they are missing.</summary>
internal sealed class LedgerInitializer(IDbContextFactory<LedgerDbContext> contexts, IOptions<LedgerOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateSchema)
        {
            return;
        }

        if (options.Value.Provider == LedgerProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(options.Value.ConnectionString).DataSource;
            var folder = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(folder) && file != ":memory:")
            {
                Directory.CreateDirectory(folder);
            }
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Database.EnsureCreatedAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
