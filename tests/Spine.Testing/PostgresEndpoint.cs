using Npgsql;
using Testcontainers.PostgreSql;

namespace Spine.Testing;

/// <summary>
/// A real PostgreSQL server: the one the test script started (<c>SPINE_TEST_POSTGRES</c>, a connection string to
/// a database the tests may create databases from), or a container when a Docker daemon answers.
/// </summary>
public sealed class PostgresEndpoint : IAsyncLifetime
{
    private const string Image = "postgres:16";
    private PostgreSqlContainer? _container;

    public string AdminConnectionString { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable("SPINE_TEST_POSTGRES");
        if (!string.IsNullOrEmpty(configured))
        {
            AdminConnectionString = configured;
            return;
        }

        if (!DockerDaemon.IsAvailable)
        {
            throw new TestServiceUnavailableException("PostgreSQL", "SPINE_TEST_POSTGRES");
        }

        _container = new PostgreSqlBuilder(Image).Build();
        await _container.StartAsync();
        AdminConnectionString = _container.GetConnectionString();
    }

    /// <summary>A connection string to a database of that name on this server (which the caller or the ledger creates).</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    public Task DropDatabaseAsync(string database) => Spine.Platform.Ledger.PostgresDatabases.DropAsync(ConnectionString(database));

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}
