using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Spine.Platform.Ledger;

/// <summary>Creates the ledger's tables at start when they are missing.</summary>
internal sealed class LedgerInitializer(IDbContextFactory<LedgerDbContext> contexts, IOptions<LedgerOptions> options) : IHostedService
{
    // Any constant shared by every Spine process; it names the advisory lock that serialises schema creation.
    private const long SchemaLockKey = 0x5350494E454C4447;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.CreateSchema)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (options.Value.Provider == LedgerProvider.PostgreSql)
        {
            await CreatePostgresSchemaAsync(db, cancellationToken);
            return;
        }

        var file = new SqliteConnectionStringBuilder(options.Value.ConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(file));
        if (!string.IsNullOrEmpty(folder) && file != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }

        await db.Database.EnsureCreatedAsync(cancellationToken);
    }

    // Six services (and their replicas) start together on one database: without the lock they race each other
    // creating the same database and tables, and all but one fail to start.
    private static async Task CreatePostgresSchemaAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        var creator = db.GetService<IRelationalDatabaseCreator>();
        if (!await creator.ExistsAsync(cancellationToken))
        {
            try
            {
                await creator.CreateAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                // Another process created it first.
            }
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({SchemaLockKey})", cancellationToken);
            await db.Database.EnsureCreatedAsync(cancellationToken);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({SchemaLockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
