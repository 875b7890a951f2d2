using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spine.Dicom;
using Spine.Ingestion;
using Spine.Platform.Hosting;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench dimse</c>: dcmtk's storescu sends the same MR instances to ingestion's storage SCP (every instance
/// stored in the object store before its C-STORE response) and to Orthanc (Debian's package, default settings, fresh
/// storage each run) and to dcmtk's storescp discarding what it receives (the ceiling storescu and the loopback set),
/// with storescu's defaults, with TCP_NODELAY=1 in the environment of the sender and of the receivers, and with
/// TCP_NODELAY=1 over four associations at once; throughputs, their ratios and the SCP's processor time side by side.
/// </summary>
internal static class DimseBench
{
    private const string OrthancExecutable = "/usr/sbin/Orthanc";

    // Orthanc serves 4 associations at once by default (DicomThreadsCount); so many senders, then.
    private const int ParallelAssociations = 4;

    public static Command Create()
    {
        var instances = new Option<int>("--instances") { Description = "MR instances to send (384x384, 16 bit).", DefaultValueFactory = _ => 500 };
        var command = new Command("dimse", "storescu to the ingestion SCP, to Orthanc and to a discarding storescp, with storescu's defaults, with TCP_NODELAY=1 and over four associations at once: instances per second and ratios.") { instances };
        command.SetAction((parse, cancellationToken) => CommandProgress.BenchAsync("settings", 3, step => RunAsync(parse.GetValue(instances), step, cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(int count, Action step, CancellationToken cancellationToken)
    {
        if (!File.Exists(OrthancExecutable))
        {
            await Console.Error.WriteLineAsync($"spine bench dimse: Orthanc is not installed ({OrthancExecutable}); apt-get install orthanc.");
            return ExitCodes.Failure;
        }

        var root = Directory.CreateTempSubdirectory("spine-bench-dimse-").FullName;
        try
        {
            var port = FreePort();
            using var host = await StartIngestionAsync(Path.Combine(root, "spine"), port, cancellationToken);
            var rows = new List<(string Setting, double Spine, double SpineCpu, double Orthanc, double Discarding)>();
            var files = new List<string>();
            foreach (var (setting, noDelay, associations) in new[] { ("storescu defaults", false, 1), ("TCP_NODELAY=1", true, 1), ($"TCP_NODELAY=1, {ParallelAssociations} associations at once", true, ParallelAssociations) })
            {
                // Each run sends a study of its own, and each receiver first takes a short untimed association of yet
                // another, so that no run pays for starting up and none is sped up by instances the SCP already holds
                // (the SCP stores an instance once per open study, across associations).
                var run = rows.Count;
                var warmUp = WriteInstances(Path.Combine(root, $"warm-up-{run}"), Math.Min(20, count));
                files = WriteInstances(Path.Combine(root, $"run-{run}"), count);
                await SendAsync("SPINE", port, warmUp, noDelay, 1, cancellationToken);
                // The SCP runs in this process: its processor time over the run, per instance (storescu's is its own).
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var spine = await SendAsync("SPINE", port, files, noDelay, associations, cancellationToken);
                var spineCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / count;
                var orthanc = await WithOrthancAsync(Path.Combine(root, $"orthanc-{noDelay}-{associations}"), noDelay, async orthancPort =>
                {
                    await SendAsync("ORTHANC", orthancPort, warmUp, noDelay, 1, cancellationToken);
                    return await SendAsync("ORTHANC", orthancPort, files, noDelay, associations, cancellationToken);
                });
                var discarding = await WithDiscardingStorescpAsync(noDelay, associations > 1, async storescpPort =>
                {
                    await SendAsync("DISCARD", storescpPort, warmUp, noDelay, 1, cancellationToken);
                    return await SendAsync("DISCARD", storescpPort, files, noDelay, associations, cancellationToken);
                });
                rows.Add((setting, count / spine, spineCpu, count / orthanc, count / discarding));
                step();
            }

            var stored = Directory.GetFiles(Path.Combine(root, "spine", "objects"), "*", SearchOption.AllDirectories).Count(f => f.Contains("instances", StringComparison.Ordinal) && !f.EndsWith(".json", StringComparison.Ordinal));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"storescu sending {count} MR instances (384x384, 16 bit, {new FileInfo(files[0]).Length / 1024} KiB each) over loopback, one association per run (or {ParallelAssociations} at once, each sending every {ParallelAssociations}th instance of the same study) after an untimed one of {Math.Min(20, count)}, each run a study of its own; the ingestion SCP stored {stored} objects in all."));
            Console.WriteLine();
            Console.WriteLine("| storescu and receiver environment | ingestion SCP (instances/s) | Orthanc (instances/s) | ratio | storescp discarding (instances/s) | ingestion SCP / discarding | ingestion SCP processor time per instance (ms) |");
            Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var (setting, spine, spineCpu, orthanc, discarding) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {setting} | {spine:0.0} | {orthanc:0.0} | {spine / orthanc:0.0} | {discarding:0.0} | {spine / discarding:0.00} | {spineCpu:0.00} |"));
            }

            Console.WriteLine();
            Console.WriteLine("storescp discarding is dcmtk's storescp --ignore (received, never stored). With TCP_NODELAY=1 it shows the most storescu can send here; with the defaults it waits on delayed acknowledgements as Orthanc does.");

            // Stopped before it is disposed, as a service is: the studies still open are left to the next start, not cut off.
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static List<string> WriteInstances(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var study = new StudyIdentity { PatientName = "BENCH^DIMSE", PatientId = "BENCH", StudyInstanceUid = DicomUid.Generate(), StudyDateTime = new DateTime(2026, 11, 29, 8, 0, 0, DateTimeKind.Unspecified) };
        var series = DicomUid.Generate();
        var frame = DicomUid.Generate();
        var random = new Random(500);
        var files = new List<string>(count);
        for (var i = 0; i < count; i++)
        {
            var pixels = new ushort[384 * 384];
            for (var p = 0; p < pixels.Length; p++)
            {
                pixels[p] = (ushort)random.Next(4096);
            }

            var path = Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"IM{i:D5}.dcm"));
            DicomWriter.WriteFile(path, ImageBuilders.MrImage(new MrImageSpec
            {
                Study = study, SeriesInstanceUid = series, FrameOfReferenceUid = frame, InstanceNumber = i + 1,
                ImagePositionPatient = [0, 0, 3.0 * i], ImageOrientationPatient = [1, 0, 0, 0, 1, 0], PixelSpacing = [0.6, 0.6], SliceThickness = 3,
                Rows = 384, Columns = 384, Pixels = pixels,
            }));
            files.Add(path);
        }

        return files;
    }

    private static async Task<IHost> StartIngestionAsync(string data, int port, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Spine:Storage:FileSystem:Root"] = Path.Combine(data, "objects"),
            ["Spine:Ledger:ConnectionString"] = $"Data Source={Path.Combine(data, "ledger.db")}",
            ["Spine:Ingestion:Dimse:Enabled"] = "true",
            ["Spine:Ingestion:Dimse:Address"] = "127.0.0.1",
            ["Spine:Ingestion:Dimse:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Spine:Ingestion:Dimse:AllowAnyCallingAeTitle"] = "true",
        });
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace).SetMinimumLevel(LogLevel.Warning);
        builder.AddSpinePlatform([IngestionModule.Module], "spine-bench-dimse");
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    /// <summary>
    /// Runs storescu with the files in one association, or split over several storescu processes sending at once (as a
    /// PACS pushing one study over parallel associations does); returns the wall time until the last one finished.
    /// </summary>
    private static async Task<double> SendAsync(string calledAeTitle, int port, IReadOnlyList<string> files, bool noDelay, int associations, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, associations).Select(part => StoreScuAsync(calledAeTitle, port, files.Where((_, i) => i % associations == part), noDelay, cancellationToken)));
        return clock.Elapsed.TotalSeconds;
    }

    private static async Task StoreScuAsync(string calledAeTitle, int port, IEnumerable<string> files, bool noDelay, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("storescu") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in new[] { "-aet", "BENCH", "-aec", calledAeTitle, "127.0.0.1", port.ToString(CultureInfo.InvariantCulture) }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }

        if (noDelay)
        {
            start.Environment["TCP_NODELAY"] = "1";
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("storescu did not start (apt-get install dcmtk).");
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"storescu to {calledAeTitle} failed: {await errors}");
        }
    }

    /// <summary>A fresh Orthanc (default settings, its own storage) for one run.</summary>
    private static async Task<double> WithOrthancAsync(string folder, bool noDelay, Func<int, Task<double>> run)
    {
        Directory.CreateDirectory(folder);
        var (httpPort, dicomPort) = (FreePort(), FreePort());
        var configuration = new JsonObject
        {
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "storage"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["RemoteAccessAllowed"] = false,
            ["Plugins"] = new JsonArray(),
        };
        await File.WriteAllTextAsync(Path.Combine(folder, "orthanc.json"), configuration.ToJsonString());
        return await WithReceiverAsync(OrthancExecutable, [$"--logdir={folder}", Path.Combine(folder, "orthanc.json")], noDelay, UntilAnsweringAsync, () => run(dicomPort));

        async Task UntilAnsweringAsync()
        {
            using var http = new HttpClient();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var system = await http.GetAsync(new Uri($"http://127.0.0.1:{httpPort}/system"));
                    if (system.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (HttpRequestException) when (attempt < 100)
                {
                    await Task.Delay(100);
                }
            }
        }
    }

    /// <summary>dcmtk's storescp receiving and discarding every instance: what storescu and the loopback allow at most.</summary>
    /// <param name="fork">A process per association (storescp takes one at a time otherwise).</param>
    private static async Task<double> WithDiscardingStorescpAsync(bool noDelay, bool fork, Func<int, Task<double>> run)
    {
        var port = FreePort();
        string[] arguments = fork ? ["--ignore", "--fork", "-aet", "DISCARD", port.ToString(CultureInfo.InvariantCulture)] : ["--ignore", "-aet", "DISCARD", port.ToString(CultureInfo.InvariantCulture)];
        return await WithReceiverAsync("storescp", arguments, noDelay, UntilListeningAsync, () => run(port));

        async Task UntilListeningAsync()
        {
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var probe = new System.Net.Sockets.TcpClient();
                    await probe.ConnectAsync(System.Net.IPAddress.Loopback, port);
                    return;
                }
                catch (System.Net.Sockets.SocketException) when (attempt < 100)
                {
                    await Task.Delay(50);
                }
            }
        }
    }

    /// <summary>One receiver process for one measurement (its output drained, TCP_NODELAY=1 in its environment when asked), stopped after.</summary>
    private static async Task<double> WithReceiverAsync(string executable, IEnumerable<string> arguments, bool noDelay, Func<Task> untilReady, Func<Task<double>> run)
    {
        var start = new ProcessStartInfo(executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (noDelay)
        {
            start.Environment["TCP_NODELAY"] = "1";
        }

        using var receiver = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start (apt-get install orthanc dcmtk).");
        receiver.OutputDataReceived += (_, _) => { };
        receiver.ErrorDataReceived += (_, _) => { };
        receiver.BeginOutputReadLine();
        receiver.BeginErrorReadLine();
        try
        {
            await untilReady();
            return await run();
        }
        finally
        {
            receiver.Kill(entireProcessTree: true);
            await receiver.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
