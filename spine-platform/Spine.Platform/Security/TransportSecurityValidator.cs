using Microsoft.Extensions.Options;
using Npgsql;
using Spine.Platform.Hosting;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;
using Spine.Platform.Storage;

namespace Spine.Platform.Security;

/// <summary>
/// With <c>Spine:Security:RequireTransportSecurity</c>, a host does not start while a hop that carries patient data is
/// configured in clear: the broker (amqps://), the object store (S3 over TLS), the ledger's database (an SSL mode that
/// requires TLS). Failures name the setting, never its value (URLs and connection strings hold passwords).
/// </summary>
internal sealed class TransportSecurityValidator(IOptions<BusOptions> bus, IOptions<StorageOptions> storage, IOptions<LedgerOptions> ledger)
    : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        if (!options.RequireTransportSecurity)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (bus.Value.Transport == BusTransport.RabbitMq && !string.Equals(bus.Value.RabbitMq.Url?.Scheme, "amqps", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{BusOptions.Section}:RabbitMq:Url must be amqps:// ({SecurityOptions.Section}:RequireTransportSecurity is true).");
        }

        if (storage.Value.Provider == StorageProvider.S3 && !storage.Value.S3.UseSsl)
        {
            failures.Add($"{StorageOptions.Section}:S3:UseSsl must be true ({SecurityOptions.Section}:RequireTransportSecurity is true).");
        }

        if (ledger.Value.Provider == LedgerProvider.PostgreSql && !RequiresTls(ledger.Value.ConnectionString))
        {
            failures.Add($"{LedgerOptions.Section}:ConnectionString must set SSL Mode to Require, VerifyCA or VerifyFull ({SecurityOptions.Section}:RequireTransportSecurity is true).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool RequiresTls(string connectionString)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(connectionString).SslMode is SslMode.Require or SslMode.VerifyCA or SslMode.VerifyFull;
        }
        catch (ArgumentException)
        {
            return false; // the ledger's own validation names what is wrong with it
        }
    }
}
