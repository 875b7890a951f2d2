using System.CommandLine;
using System.Security.Cryptography;
using Npgsql;
using Spine.Cli.Resilience;

namespace Spine.Cli.Commands;

/// <summary>The servers a bench of six service processes runs on: RabbitMQ (and its management API), an S3 API and PostgreSQL.</summary>
internal sealed record FleetServers(Uri Broker, Uri BrokerManagement, string S3, string S3AccessKey, string S3SecretKey, string Ledger)
{
    /// <summary>
    /// A fleet of this program's six services on these servers, with a queue prefix, bucket and database of its own
    /// (<paramref name="name"/> and <paramref name="run"/>), so that runs never meet each other's messages or studies.
    /// </summary>
    public FleetSettings Fleet(string name, string run, string models, string importRoot, bool gated = false, IReadOnlyDictionary<string, string>? environment = null) => new()
    {
        Launcher = SelfLauncher(),
        BrokerUrl = Broker,
        BrokerManagementUrl = BrokerManagement,
        QueuePrefix = $"{name}-{run}-",
        S3Endpoint = S3,
        S3AccessKey = S3AccessKey,
        S3SecretKey = S3SecretKey,
        Bucket = $"{name}-{run}",
        LedgerConnectionString = new NpgsqlConnectionStringBuilder(Ledger) { Database = $"spine_{name}_{run}" }.ConnectionString,
        ModelsRoot = models,
        ImportRoot = importRoot,
        ApiKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)),
        Gated = gated,
        Environment = environment ?? new Dictionary<string, string>(),
    };

    /// <summary>This program as the fleet starts it: the apphost, or dotnet with this assembly.</summary>
    private static (string FileName, IReadOnlyList<string> LeadingArguments) SelfLauncher()
    {
        var self = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? (self, [typeof(FleetServers).Assembly.Location]) : (self, []);
    }
}

/// <summary>
/// The options that name <see cref="FleetServers"/>, each defaulting to the variable tests/infra/test-services.sh writes
/// to .test-services/env, so that a bench run after <c>source .test-services/env</c> needs none of them.
/// </summary>
internal sealed class FleetServerOptions
{
    private readonly Option<string?> _broker;
    private readonly Option<string?> _management;
    private readonly Option<string?> _s3 = new("--s3") { Description = "host:port of the S3 API (plain HTTP); default $SPINE_TEST_S3_ENDPOINT." };
    private readonly Option<string?> _accessKey = new("--s3-access-key") { Description = "Default $SPINE_TEST_S3_ACCESS_KEY." };
    private readonly Option<string?> _secretKey = new("--s3-secret-key") { Description = "Default $SPINE_TEST_S3_SECRET_KEY." };
    private readonly Option<string?> _ledger = new("--ledger") { Description = "PostgreSQL connection string (the bench makes a database per run); default $SPINE_TEST_POSTGRES." };
    private readonly string _brokerVariable;
    private readonly string _managementVariable;

    /// <param name="brokerVariable">The variable naming the broker by default (a bench that restarts it takes the one kept for faults).</param>
    public FleetServerOptions(string brokerVariable, string managementVariable, string brokerDescription)
    {
        (_brokerVariable, _managementVariable) = (brokerVariable, managementVariable);
        _broker = new("--broker") { Description = $"AMQP URL of the broker{brokerDescription}; default ${brokerVariable}." };
        _management = new("--broker-management") { Description = $"URL of the broker's management API; default ${managementVariable}." };
    }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new[] { _broker, _management, _s3, _accessKey, _secretKey, _ledger })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The servers the options or the environment name; null, the reason printed, when one is missing.</summary>
    public FleetServers? Resolve(ParseResult parse, string command)
    {
        ArgumentNullException.ThrowIfNull(parse);
        string? Value(Option<string?> option, string variable) => parse.GetValue(option) ?? Environment.GetEnvironmentVariable(variable);
        var (broker, management) = (Value(_broker, _brokerVariable), Value(_management, _managementVariable));
        var (s3, access, secret, ledger) = (Value(_s3, "SPINE_TEST_S3_ENDPOINT"), Value(_accessKey, "SPINE_TEST_S3_ACCESS_KEY"), Value(_secretKey, "SPINE_TEST_S3_SECRET_KEY"), Value(_ledger, "SPINE_TEST_POSTGRES"));
        if (broker is null || management is null || s3 is null || access is null || secret is null || ledger is null)
        {
            Console.Error.WriteLine($"spine {command}: give --broker, --broker-management, --s3, --s3-access-key, --s3-secret-key and --ledger, or run tests/infra/test-services.sh start and source .test-services/env.");
            return null;
        }

        return new FleetServers(new Uri(broker), new Uri(management), s3, access, secret, ledger);
    }
}
