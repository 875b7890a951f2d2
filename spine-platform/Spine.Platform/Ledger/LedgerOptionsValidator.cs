using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;
using Spine.Platform.Hosting;

namespace Spine.Platform.Ledger;

internal sealed class LedgerOptionsValidator : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        var failures = new OptionsFailures(LedgerOptions.Section);
        if (options.StudyDeadlineMinutes < 0)
        {
            failures.Add("StudyDeadlineMinutes", "must not be negative (0 turns the deadline off).");
        }

        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("ConnectionString", $"is required for the {options.Provider} ledger.");
            return failures.Result();
        }

        try
        {
            switch (options.Provider)
            {
                case LedgerProvider.Sqlite when string.IsNullOrWhiteSpace(new SqliteConnectionStringBuilder(options.ConnectionString).DataSource):
                    failures.Add("ConnectionString", "names no Data Source (the SQLite file).");
                    break;
                case LedgerProvider.PostgreSql when string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(options.ConnectionString).Host):
                    failures.Add("ConnectionString", "names no Host for PostgreSQL.");
                    break;
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The message says which keyword is wrong; the connection string itself may hold a password, so it is not repeated.
            failures.Add("ConnectionString", $"is not a valid {options.Provider} connection string: {ex.Message}");
        }

        return failures.Result();
    }

}
