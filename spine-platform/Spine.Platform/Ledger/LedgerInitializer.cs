using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Spine.Platform.Ledger;

/// <summary>Creates the ledger's tables at start when they are missing.</summary>
internal sealed partial class LedgerInitializer(IDbContextFactory<LedgerDbContext> contexts, IOptions<LedgerOptions> options) : IHostedService
{
    // Any constant shared by every Spine process; it names the advisory lock that serialises schema creation.
    private const long SchemaLockKey = 0x5350494E454C4447;

    private static readonly TimeSpan SchemaLockWait = TimeSpan.FromMinutes(10);

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
        await UpgradeAsync(db, cancellationToken);
    }

    /// <summary>
    /// Brings a ledger made by an earlier version up to this one's model (EnsureCreated leaves an existing database as
    /// it is): the tables and indexes it lacks are created from the model's own create script, each statement made
    /// conditional, and the columns added to existing tables since 0.1.0 are added. Safe to run on every start.
    /// </summary>
    internal static async Task UpgradeAsync(LedgerDbContext db, CancellationToken cancellationToken)
    {
        foreach (var statement in db.Database.GenerateCreateScript().Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var conditional = CreateStatement().Replace(statement, "CREATE $1$2 IF NOT EXISTS ", 1);
            if (conditional != statement)
            {
                await db.Database.ExecuteSqlRawAsync(conditional, cancellationToken);
            }
        }

        // Added in 0.2.0: the concurrency token of a study.
        if (!await ColumnExistsAsync(db, "studies", nameof(StudyRecord.Version), cancellationToken))
        {
            await db.Database.ExecuteSqlRawAsync($"ALTER TABLE studies ADD COLUMN \"{nameof(StudyRecord.Version)}\" integer NOT NULL DEFAULT 0", cancellationToken);
        }
    }

    private static async Task<bool> ColumnExistsAsync(LedgerDbContext db, string table, string column, CancellationToken cancellationToken)
    {
        var query = db.Database.IsNpgsql()
            ? db.Database.SqlQuery<int>($"SELECT count(*)::int AS \"Value\" FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = {table} AND column_name = {column}")
            : db.Database.SqlQuery<int>($"SELECT count(*) AS \"Value\" FROM pragma_table_info({table}) WHERE name = {column}");
        return await query.SingleAsync(cancellationToken) > 0;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^CREATE (UNIQUE )?(TABLE|INDEX) ")]
    private static partial System.Text.RegularExpressions.Regex CreateStatement();

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
        // Waiting for the lock is not a query that should time out: the services queue on it, each holding it while it
        // checks the schema, and on a busy node the last has waited longer than a command's 30 s and failed to start.
        db.Database.SetCommandTimeout(SchemaLockWait);
        try
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({SchemaLockKey})", cancellationToken);
            await db.Database.EnsureCreatedAsync(cancellationToken);
            await UpgradeAsync(db, cancellationToken);
        }
        finally
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({SchemaLockKey})", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
            db.Database.SetCommandTimeout(null); // a pooled context goes back with the configured timeout
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
