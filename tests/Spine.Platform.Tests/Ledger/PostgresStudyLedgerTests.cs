using Microsoft.EntityFrameworkCore;
using Npgsql;
using Spine.Platform.Ledger;
using Spine.Testing;

namespace Spine.Platform.Tests.Ledger;

/// <summary>The ledger contract on a real PostgreSQL server, each test on a database of its own.</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
[Collection(RealServicesCollection.Name)]
public sealed class PostgresStudyLedgerTests(PostgresEndpoint postgres) : StudyLedgerContract, IClassFixture<PostgresEndpoint>, IAsyncLifetime
{
    private readonly string _database = "spine_test_" + Guid.NewGuid().ToString("n")[..12];

    protected override Task<IStudyLedger> CreateLedgerAsync()
    {
        var connection = new NpgsqlConnectionStringBuilder(postgres.AdminConnectionString) { Database = _database, Pooling = false };
        return CreateAsync(new DbContextOptionsBuilder<LedgerDbContext>().UseNpgsql(connection.ConnectionString).Options, Clock);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await using var admin = new NpgsqlConnection(postgres.AdminConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
