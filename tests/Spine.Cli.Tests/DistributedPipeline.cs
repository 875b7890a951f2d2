using System.Text.Json.Nodes;
using Spine.Cli.Resilience;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// The six services as six <c>spine serve</c> processes (a <see cref="ServiceFleet"/>) on the test servers: a queue
/// prefix, bucket and database of their own, spans exported to the test's OTLP receiver.
/// </summary>
internal static class DistributedPipeline
{
    public static IReadOnlyList<string> ServiceNames => ServiceFleet.ServiceNames;

    /// <param name="gated">Reach the S3 server and PostgreSQL through gates, so that a test can cut them off.</param>
    public static Task<ServiceFleet> StartAsync(RabbitMqEndpoint broker, S3Endpoint s3, PostgresEndpoint postgres, OtlpTraceReceiver traces, string importRoot, bool gated = false) =>
        ServiceFleet.StartAsync(new FleetSettings
        {
            Launcher = SpineProcess.Launcher,
            BrokerUrl = broker.Url,
            BrokerManagementUrl = broker.ManagementUrl,
            QueuePrefix = broker.NewPrefix("e"),
            S3Endpoint = s3.Endpoint,
            S3AccessKey = s3.AccessKey,
            S3SecretKey = s3.SecretKey,
            Bucket = s3.NewBucket("spine-e2e"),
            LedgerConnectionString = postgres.ConnectionString("spine_e2e_" + Guid.NewGuid().ToString("n")[..10]),
            ModelsRoot = Path.Combine(RepositoryLayout.Root, "models"),
            ImportRoot = importRoot,
            ApiKey = EmbeddedPlatform.ApiKey,
            Gated = gated,
            Environment = traces.Environment,
        });

    public static Task<JsonNode?> DetailAsync(HttpClient reporting, Guid studyId) => ServiceFleet.DetailAsync(reporting, studyId);
}
