using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;
using Spine.Platform.Diagnostics;
using Spine.Platform.Ledger;
using Spine.Platform.Messaging;

namespace Spine.Cli.Resilience;

/// <summary>Where the fleet's six processes find the servers, and what they share.</summary>
public sealed record FleetSettings
{
    /// <summary>How to start spine: the program and the arguments before spine's own (for example dotnet and spine.dll).</summary>
    public required (string FileName, IReadOnlyList<string> LeadingArguments) Launcher { get; init; }

    public required Uri BrokerUrl { get; init; }

    /// <summary>RabbitMQ's management API (guest/guest or the URL's credentials), which lists the fleet's queues.</summary>
    public required Uri BrokerManagementUrl { get; init; }

    /// <summary>The fleet's own queue prefix: its queues are told apart from others' on a shared broker.</summary>
    public required string QueuePrefix { get; init; }

    /// <summary>The S3 API as host:port (plain HTTP: a bench or test server on loopback).</summary>
    public required string S3Endpoint { get; init; }

    public required string S3AccessKey { get; init; }

    public required string S3SecretKey { get; init; }

    public required string Bucket { get; init; }

    /// <summary>The ledger's PostgreSQL connection string, naming a database of the fleet's own (created on start, dropped on dispose).</summary>
    public required string LedgerConnectionString { get; init; }

    public required string ModelsRoot { get; init; }

    public required string ImportRoot { get; init; }

    /// <summary>The key the fleet's HTTP calls send; the services grant it every role.</summary>
    public required string ApiKey { get; init; }

    /// <summary>Reach the S3 server and PostgreSQL through <see cref="TcpGate"/>s, which cut them off on demand.</summary>
    public bool Gated { get; init; }

    /// <summary>Further variables for every process (an OTLP endpoint, for example).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// The six services as six <c>spine serve</c> processes on a real broker, S3 server and PostgreSQL, each on its own
/// loopback port, sharing a queue prefix, a bucket and a database: the product as it is deployed, small enough to kill,
/// restart and cut off from its servers on purpose (<c>spine bench resilience</c> and the fault tests).
/// </summary>
public sealed class ServiceFleet : IAsyncDisposable
{
    private readonly Dictionary<string, (ChildProcess Process, int Port)> _services = new(StringComparer.Ordinal);
    private readonly StringBuilder _killedLogs = new();
    private readonly FleetSettings _settings;
    private readonly Dictionary<string, string> _environment;

    private ServiceFleet(FleetSettings settings, Dictionary<string, string> environment, TcpGate? storeGate, TcpGate? databaseGate)
    {
        (_settings, _environment, StoreGate, DatabaseGate) = (settings, environment, storeGate, databaseGate);
    }

    public static IReadOnlyList<string> ServiceNames { get; } = [.. SpineModules.Pipeline.Select(module => module.Name)];

    /// <summary>With <see cref="FleetSettings.Gated"/>: the path to the S3 server.</summary>
    public TcpGate? StoreGate { get; }

    /// <summary>With <see cref="FleetSettings.Gated"/>: the path to PostgreSQL.</summary>
    public TcpGate? DatabaseGate { get; }

    /// <summary>Starts the six processes together, as a deployment starts them (they race for the database, bucket and queues); returns once each is ready.</summary>
    public static async Task<ServiceFleet> StartAsync(FleetSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var (storeGate, databaseGate) = settings.Gated ? (new TcpGate(), new TcpGate()) : (null, null);
        var storeEndpoint = settings.S3Endpoint;
        var ledgerConnection = settings.LedgerConnectionString;
        if (storeGate is not null && databaseGate is not null)
        {
            storeGate.Open(int.Parse(storeEndpoint[(storeEndpoint.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
            storeEndpoint = $"127.0.0.1:{storeGate.Port}";
            var connection = new NpgsqlConnectionStringBuilder(ledgerConnection);
            databaseGate.Open(connection.Port);
            (connection.Host, connection.Port) = ("127.0.0.1", databaseGate.Port);
            ledgerConnection = connection.ConnectionString;
        }

        var environment = new Dictionary<string, string>(settings.Environment)
        {
            ["Spine__Bus__Transport"] = "RabbitMq",
            ["Spine__Bus__RabbitMq__Url"] = settings.BrokerUrl.ToString(),
            ["Spine__Bus__QueuePrefix"] = settings.QueuePrefix,
            ["Spine__Storage__Provider"] = "S3",
            ["Spine__Storage__Bucket"] = settings.Bucket,
            ["Spine__Storage__S3__Endpoint"] = storeEndpoint,
            ["Spine__Storage__S3__AccessKey"] = settings.S3AccessKey,
            ["Spine__Storage__S3__SecretKey"] = settings.S3SecretKey,
            ["Spine__Ledger__Provider"] = "PostgreSql",
            ["Spine__Ledger__ConnectionString"] = ledgerConnection,
            ["Spine__Models__Root"] = settings.ModelsRoot,
            ["Spine__Ingestion__ImportRoot"] = settings.ImportRoot,
            ["Spine__Security__ApiKeys__0__Name"] = "fleet",
            ["Spine__Security__ApiKeys__0__Key"] = settings.ApiKey,
            ["Spine__Security__ApiKeys__0__Roles"] = "send,read,operate,monitor",
        };
        var fleet = new ServiceFleet(settings, environment, storeGate, databaseGate);
        try
        {
            await Task.WhenAll(ServiceNames.Select(fleet.StartServiceAsync));
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }

        return fleet;
    }

    /// <summary>Starts (or starts again) one service's process; returns once it is ready.</summary>
    public async Task StartServiceAsync(string name)
    {
        var port = FreeTcpPort();
        var process = ChildProcess.Start(_settings.Launcher.FileName, [.. _settings.Launcher.LeadingArguments, "serve", "--services", name, "--urls", $"http://127.0.0.1:{port}"], _environment);
        lock (_services)
        {
            _services[name] = (process, port);
        }

        using var http = Client(name);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited at start ({process.ExitCode}):\n{process.StandardError}");
            }

            try
            {
                using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{name} was not ready within 2 minutes:\n{process.StandardError}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Kills the service's process outright (SIGKILL): no graceful stop, in-flight messages unacknowledged.</summary>
    public async Task KillAsync(string name)
    {
        ChildProcess process;
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

    /// <summary>
    /// SIGKILLs each service once, in an order and at moments (0.3 to 2.5 s apart) drawn from <paramref name="random"/>,
    /// starting each again at once: unacknowledged messages go back to the queues, queued outbox messages to the next relay.
    /// </summary>
    public async Task KillEachInTurnAsync(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        foreach (var service in ServiceNames.OrderBy(_ => random.Next()))
        {
            await Task.Delay(random.Next(300, 2500));
            await KillAsync(service);
            await StartServiceAsync(service);
        }
    }

    /// <summary>Waits until the ledger shows <paramref name="stage"/> started for one of the studies; false if it has not within the time.</summary>
    public async Task<bool> WaitForStageAsync(IReadOnlyCollection<Guid> studies, string stage, TimeSpan within)
    {
        using var reporting = Client("reporting");
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var study in studies)
            {
                var transitions = (await DetailAsync(reporting, study))?["transitions"]?.AsArray() ?? [];
                if (transitions.Any(t => t!["stage"]!.GetValue<string>() == stage))
                {
                    return true;
                }
            }

            await Task.Delay(20);
        }

        return false;
    }

    public ChildProcess Process(string name)
    {
        lock (_services)
        {
            return _services[name].Process;
        }
    }

    /// <summary>An HTTP client of the service, sending the fleet's API key.</summary>
    public HttpClient Client(string name)
    {
        lock (_services)
        {
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_services[name].Port}"), Timeout = TimeSpan.FromMinutes(2) };
            client.DefaultRequestHeaders.Add("X-Api-Key", _settings.ApiKey);
            return client;
        }
    }

    /// <summary>POST /imports on the ingestion service (a folder under the import root); returns the StudyIds it started.</summary>
    public async Task<IReadOnlyList<Guid>> ImportAsync(string relativeFolder)
    {
        using var http = Client("ingestion");
        using var response = await http.PostAsJsonAsync(new Uri("/imports", UriKind.Relative), new Spine.Ingestion.ImportRequest(relativeFolder), CliJsonContext.Default.ImportRequest);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /imports answered {(int)response.StatusCode}: {body}");
        }

        return [.. JsonNode.Parse(body)!["studies"]!.AsArray().Select(s => Guid.Parse(s!["studyId"]!.GetValue<string>()))];
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

    /// <summary>The study's detail from the reporting service's API; null while the ledger does not know it.</summary>
    public static async Task<JsonNode?> DetailAsync(HttpClient reporting, Guid studyId)
    {
        ArgumentNullException.ThrowIfNull(reporting);
        using var response = await reporting.GetAsync(new Uri($"/studies/{studyId}", UriKind.Relative));
        return response.StatusCode == HttpStatusCode.NotFound ? null : JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Stops every service as a rolling shutdown would (SIGTERM: each finishes or returns its in-flight messages), then
    /// reads every queue of the fleet's prefix, error queues included. Once all are empty no message is left that could
    /// still make a report: the sentinel after which absence can be asserted.
    /// </summary>
    /// <summary>The broker the fleet's services use.</summary>
    public Uri BrokerUrl => _settings.BrokerUrl;

    public async Task<IReadOnlyDictionary<string, uint>> StopAndReadQueuesAsync()
    {
        List<ChildProcess> processes;
        lock (_services)
        {
            processes = [.. _services.Values.Select(s => s.Process)];
        }

        await Task.WhenAll(processes.Select(process => process.StopAsync(TimeSpan.FromSeconds(60))));
        return await RabbitMqQueues.DepthsAsync(_settings.BrokerUrl, _settings.BrokerManagementUrl, _settings.QueuePrefix);
    }

    /// <summary>Everything every service process logged (standard error), the killed ones included.</summary>
    public string AllLogs()
    {
        lock (_services)
        {
            return _killedLogs + string.Concat(_services.Values.Select(s => s.Process.StandardError));
        }
    }

    /// <summary>Every running service's standard error, for failure messages.</summary>
    public string Errors()
    {
        lock (_services)
        {
            return string.Join('\n', _services.Select(s => $"--- {s.Key}:\n{s.Value.Process.StandardError}"));
        }
    }

    /// <summary>Peak resident memory of each service's process so far (VmHWM), in MiB; a service restarted counts from its restart.</summary>
    public IReadOnlyDictionary<string, double> PeakMemoryMiB()
    {
        lock (_services)
        {
            return _services.ToDictionary(s => s.Key, s => s.Value.Process.PeakResidentMiB());
        }
    }

    /// <summary>Kills what still runs, closes the gates, and drops the fleet's database and queues.</summary>
    public async ValueTask DisposeAsync()
    {
        List<ChildProcess> processes;
        lock (_services)
        {
            processes = [.. _services.Values.Select(s => s.Process)];
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

        await PostgresDatabases.DropAsync(_settings.LedgerConnectionString);
        await RabbitMqQueues.DeleteAsync(_settings.BrokerUrl, _settings.BrokerManagementUrl, _settings.QueuePrefix);
    }

    internal static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
