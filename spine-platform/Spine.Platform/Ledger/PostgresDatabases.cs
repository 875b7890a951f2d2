using Npgsql;

namespace Spine.Platform.Ledger;

/// <summary>Dropping a ledger's PostgreSQL database, for the processes that create throwaway ledgers (benchmarks, tests).</summary>
public static class PostgresDatabases
{
    /// <summary>Drops the database that <paramref name="connectionString"/> names (connected to the server's postgres database), closing its sessions.</summary>
    public static async Task DropAsync(string connectionString)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database ?? throw new ArgumentException("the connection string names no database.", nameof(connectionString));
        target.Database = "postgres";
        await using var admin = new NpgsqlConnection(target.ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database.Replace("\"", "\"\"", StringComparison.Ordinal)}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
