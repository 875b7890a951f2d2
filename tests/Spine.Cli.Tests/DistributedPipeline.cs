using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Spine.Testing;

namespace Spine.Cli.Tests;

/// <summary>
/// The six services as six <c>spine serve</c> processes on the real broker, the S3 server and PostgreSQL, each on its
/// own port, sharing one queue prefix, bucket and database of their own, and exporting their spans over OTLP.
/// </summary>
internal sealed class DistributedPipeline : IAsyncDisposable
{
    public static readonly string[] ServiceNames = [.. SpineModules.Pipeline.Select(module => module.Name)];

    private readonly Dictionary<string, (SpineProcess Process, int Port)> _services = new(StringComparer.Ordinal);
    private readonly System.Text.StringBuilder _killedLogs = new();
    private readonly PostgresEndpoint _postgres;
    private readonly string _database;

    private DistributedPipeline(Dictionary<string, string> environment, PostgresEndpoint postgres, string database, RabbitMqEndpoint broker)
    {
        Environment = environment;
        _postgres = postgres;
        _database = database;
        _broker = broker;
    }

    private readonly RabbitMqEndpoint _broker;

    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>With <c>gated</c>: the path to the S3 server, which a test closes to take the object store away.</summary>
    public TcpGate? StoreGate { get; private init; }

    /// <summary>With <c>gated</c>: the path to PostgreSQL, which a test closes to take the ledger's database away.</summary>
    public TcpGate? DatabaseGate { get; private init; }

    /// <param name="gated">Reach the S3 server and PostgreSQL through <see cref="TcpGate"/>s, so that a test can cut them off.</param>
    public static async Task<DistributedPipeline> StartAsync(RabbitMqEndpoint broker, S3Endpoint s3, PostgresEndpoint postgres, OtlpTraceReceiver traces, string importRoot, bool gated = false)
    {
        var suffix = Guid.NewGuid().ToString("n")[..10];
        var database = "spine_e2e_" + suffix;
        var (storeGate, databaseGate) = gated ? (new TcpGate(), new TcpGate()) : (null, null);
        var storeEndpoint = s3.Endpoint;
        var ledgerConnection = postgres.ConnectionString(database);
        if (storeGate is not null && databaseGate is not null)
        {
            storeGate.Open(int.Parse(s3.Endpoint[(s3.Endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            storeEndpoint = $"127.0.0.1:{storeGate.Port}";
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(ledgerConnection);
            databaseGate.Open(connection.Port);
            (connection.Host, connection.Port) = ("127.0.0.1", databaseGate.Port);
            ledgerConnection = connection.ConnectionString;
        }

        var environment = new Dictionary<string, string>(traces.Environment)
        {
            ["Spine__Bus__Transport"] = "RabbitMq",
            ["Spine__Bus__RabbitMq__Url"] = broker.Url.ToString(),
            ["Spine__Bus__QueuePrefix"] = broker.NewPrefix("e"),
            ["Spine__Storage__Provider"] = "S3",
            ["Spine__Storage__Bucket"] = s3.NewBucket("spine-e2e"),
            ["Spine__Storage__S3__Endpoint"] = storeEndpoint,
            ["Spine__Storage__S3__AccessKey"] = s3.AccessKey,
            ["Spine__Storage__S3__SecretKey"] = s3.SecretKey,
            ["Spine__Ledger__Provider"] = "PostgreSql",
            ["Spine__Ledger__ConnectionString"] = ledgerConnection,
            ["Spine__Models__Root"] = Path.Combine(RepositoryLayout.Root, "models"),
            ["Spine__Ingestion__ImportRoot"] = importRoot,
            ["Spine__Security__ApiKeys__0__Name"] = "tests",
            ["Spine__Security__ApiKeys__0__Key"] = EmbeddedPlatform.ApiKey,
            ["Spine__Security__ApiKeys__0__Roles"] = "send,read,operate",
        };
        var pipeline = new DistributedPipeline(environment, postgres, database, broker) { StoreGate = storeGate, DatabaseGate = databaseGate };
        try
        {
            // Started together, as a deployment starts them: they race for the database, the bucket and the queues.
            await Task.WhenAll(ServiceNames.Select(pipeline.StartServiceAsync));
        }
        catch
        {
            await pipeline.DisposeAsync();
            throw;
        }

        return pipeline;
    }

    public async Task StartServiceAsync(string name)
    {
        var port = SpineProcess.FreeTcpPort();
        var process = SpineProcess.Start(["serve", "--services", name, "--urls", $"http://127.0.0.1:{port}"], Environment);
        lock (_services)
        {
            _services[name] = (process, port);
        }

        using var http = Client(name);
        await HealthEndpoint.WaitForAnswerAsync(http, "/health/ready", process, TimeSpan.FromSeconds(120), HttpStatusCode.OK);
    }

    /// <summary>Kills the service's process outright (SIGKILL): no graceful stop, in-flight messages unacknowledged.</summary>
    public async Task KillAsync(string name)
    {
        SpineProcess process;
        lock (_services)
        {
            process = _services[name].Process;
            _services.Remove(name);
        }

        await process.DisposeAsync();
        lock (_services)
        {
            _killedLogs.Append(process.StandardError);
        }
    }

    public SpineProcess Process(string name)
    {
        lock (_services)
        {
            return _services[name].Process;
        }
    }

    public HttpClient Client(string name)
    {
        lock (_services)
        {
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_services[name].Port}"), Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Add("X-Api-Key", EmbeddedPlatform.ApiKey);
            return client;
        }
    }

    /// <summary>POST /imports on the ingestion service; returns the StudyIds it started.</summary>
    public async Task<IReadOnlyList<Guid>> ImportAsync(string relativeFolder)
    {
        using var http = Client("ingestion");
        using var response = await http.PostAsJsonAsync(new Uri("/imports", UriKind.Relative), new { folder = relativeFolder });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /imports answered {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!["studies"]!.AsArray().Select(s => Guid.Parse(s!["studyId"]!.GetValue<string>())).ToList();
    }

    /// <summary>Polls the reporting service's studies API until the study is Completed or Failed; returns its detail.</summary>
    public async Task<JsonNode> WaitForOutcomeAsync(Guid studyId, TimeSpan within)
    {
        using var http = Client("reporting");
        var deadline = DateTime.UtcNow + within;
        JsonNode? detail = null;
        while (DateTime.UtcNow < deadline)
        {
            detail = await DetailAsync(http, studyId);
            if (detail?["study"]!["status"]!.GetValue<string>() is "Completed" or "Failed")
            {
                return detail;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"study {studyId} not finished within {within.TotalSeconds:0} s; last seen: {detail?.ToJsonString() ?? "not in the ledger"}\n{Errors()}");
    }

    public static async Task<JsonNode?> DetailAsync(HttpClient reporting, Guid studyId)
    {
        using var response = await reporting.GetAsync(new Uri($"/studies/{studyId}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Stops every service as a rolling shutdown would (SIGTERM: each finishes or returns its in-flight messages), then
    /// reads every queue of the pipeline's prefix, error queues included. Once all are empty no message is left that
    /// could still make a report: the sentinel after which absence can be asserted.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, uint>> StopAndReadQueuesAsync()
    {
        List<SpineProcess> processes;
        lock (_services)
        {
            processes = _services.Values.Select(s => s.Process).ToList();
        }

        await Task.WhenAll(processes.Select(process => process.StopAsync(TimeSpan.FromSeconds(60))));
        return await _broker.QueuesAsync(Environment["Spine__Bus__QueuePrefix"]);
    }

    /// <summary>Everything every service process logged (standard error), the killed ones included.</summary>
    public string AllLogs()
    {
        lock (_services)
        {
            return _killedLogs + string.Concat(_services.Values.Select(s => s.Process.StandardError));
        }
    }

    /// <summary>Every service's standard error, for failure messages.</summary>
    public string Errors()
    {
        lock (_services)
        {
            return string.Join('\n', _services.Select(s => $"--- {s.Key}:\n{s.Value.Process.StandardError}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        List<SpineProcess> processes;
        lock (_services)
        {
            processes = _services.Values.Select(s => s.Process).ToList();
            _services.Clear();
        }

        foreach (var process in processes)
        {
            await process.DisposeAsync();
        }

        foreach (var gate in new[] { StoreGate, DatabaseGate }.OfType<TcpGate>())
        {
            await gate.DisposeAsync();
        }

        await _postgres.DropDatabaseAsync(_database);
    }

    /// <summary>Peak resident memory of each service's process so far (VmHWM), in MiB; a service restarted counts from its restart.</summary>
    public IReadOnlyDictionary<string, double> PeakMemoryMiB()
    {
        lock (_services)
        {
            return _services.ToDictionary(s => s.Key, s => s.Value.Process.PeakResidentMiB());
        }
    }
}
