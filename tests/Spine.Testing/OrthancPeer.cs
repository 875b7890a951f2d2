using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spine.Testing;

/// <summary>
/// A real Orthanc (Debian's package) as a PACS peer: its own storage folder, HTTP and DICOM ports on loopback, no
/// authentication, and the modalities it may send to. Started per test class, stopped on dispose.
/// </summary>
public sealed class OrthancPeer : IAsyncDisposable
{
    public const string Executable = "/usr/sbin/Orthanc";

    /// <summary>Debian's orthanc-dicomweb plugin (QIDO-RS, WADO-RS, STOW-RS under /dicom-web/).</summary>
    public const string DicomWebPlugin = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";

    /// <summary>The settings that load the DICOMweb plugin, for <see cref="StartAsync"/>.</summary>
    public static IReadOnlyDictionary<string, JsonNode?> DicomWeb => new Dictionary<string, JsonNode?>
    {
        ["Plugins"] = new JsonArray(DicomWebPlugin),
        ["DicomWeb"] = new JsonObject { ["Enable"] = true, ["Root"] = "/dicom-web/" },
    };
    private readonly Process _process;
    private readonly string _folder;

    private OrthancPeer(Process process, string folder, int httpPort, int dicomPort, string aeTitle)
    {
        (_process, _folder, DicomPort, AeTitle) = (process, folder, dicomPort, aeTitle);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    /// <summary>The DICOMweb service's base URL, when started with <see cref="DicomWeb"/>.</summary>
    public Uri DicomWebRoot => new(Http.BaseAddress!, "/dicom-web");

    public int DicomPort { get; }

    public string AeTitle { get; }

    /// <param name="modalities">Name to (AE title, port on 127.0.0.1) of the peers Orthanc may store to.</param>
    /// <param name="settings">More of Orthanc's configuration (DICOM TLS, for example).</param>
    public static async Task<OrthancPeer> StartAsync(IReadOnlyDictionary<string, (string AeTitle, int Port)> modalities, string aeTitle = "ORTHANC", IReadOnlyDictionary<string, JsonNode?>? settings = null)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"Orthanc is not installed ({Executable}); tests/infra/test-services.sh start installs it.");
        }

        var folder = Directory.CreateTempSubdirectory("spine-orthanc-").FullName;
        var httpPort = SpineProcess.FreeTcpPort();
        // Ports chosen just before Orthanc binds them (a peer that must be addressed earlier sits behind a TcpGate).
        var dicomPort = SpineProcess.FreeTcpPort();
        var configuration = new JsonObject
        {
            ["Name"] = "spine-test-pacs",
            ["StorageDirectory"] = Path.Combine(folder, "storage"),
            ["IndexDirectory"] = Path.Combine(folder, "storage"),
            ["HttpPort"] = httpPort,
            ["DicomPort"] = dicomPort,
            ["DicomAet"] = aeTitle,
            ["RemoteAccessAllowed"] = false,
            ["AuthenticationEnabled"] = false,
            ["DicomCheckCalledAet"] = false,
            ["Plugins"] = new JsonArray(),
            ["DicomModalities"] = new JsonObject(modalities.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)new JsonArray(m.Value.AeTitle, "127.0.0.1", m.Value.Port)))),
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, JsonNode?>())
        {
            configuration[key] = value;
        }

        var path = Path.Combine(folder, "orthanc.json");
        await File.WriteAllTextAsync(path, configuration.ToJsonString());
        var start = new ProcessStartInfo(Executable) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add($"--logdir={folder}");
        start.ArgumentList.Add(path);
        var process = Process.Start(start) ?? throw new InvalidOperationException("Orthanc did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var peer = new OrthancPeer(process, folder, httpPort, dicomPort, aeTitle);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var system = await peer.Http.GetAsync(new Uri("/system", UriKind.Relative));
                if (system.IsSuccessStatusCode)
                {
                    return peer;
                }
            }
            catch (HttpRequestException) when (attempt < 100 && !process.HasExited)
            {
            }

            if (attempt >= 100 || process.HasExited)
            {
                await peer.DisposeAsync();
                throw new InvalidOperationException($"Orthanc did not answer on port {httpPort}; see its log in {folder}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Uploads a Part 10 file through the REST API; returns Orthanc's answer (ID, ParentStudy...).</summary>
    public async Task<JsonNode> UploadAsync(byte[] part10)
    {
        using var content = new ByteArrayContent(part10);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/dicom");
        using var response = await Http.PostAsync(new Uri("/instances", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    /// <summary>Asks Orthanc to C-STORE a resource (study, series or instance id) to one of its modalities; returns the job's answer.</summary>
    public async Task<JsonNode> StoreToModalityAsync(string modality, string resourceId)
    {
        using var request = new StringContent(new JsonObject { ["Resources"] = new JsonArray(resourceId), ["Synchronous"] = true }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.PostAsync(new Uri($"/modalities/{modality}/store", UriKind.Relative), request);
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? JsonNode.Parse(body)! : throw new HttpRequestException($"Orthanc refused the store to {modality}: {(int)response.StatusCode} {body}");
    }

    /// <summary>The Part 10 file of every instance Orthanc holds.</summary>
    public async Task<IReadOnlyList<byte[]>> InstanceFilesAsync()
    {
        var ids = JsonSerializer.Deserialize<List<string>>(await Http.GetStringAsync(new Uri("/instances", UriKind.Relative)))!;
        var files = new List<byte[]>();
        foreach (var id in ids)
        {
            files.Add(await Http.GetByteArrayAsync(new Uri($"/instances/{id}/file", UriKind.Relative)));
        }

        return files;
    }

    /// <summary>The SOP Instance UIDs Orthanc holds.</summary>
    public async Task<IReadOnlyList<string>> SopInstanceUidsAsync()
    {
        var ids = JsonSerializer.Deserialize<List<string>>(await Http.GetStringAsync(new Uri("/instances", UriKind.Relative)))!;
        var uids = new List<string>();
        foreach (var id in ids)
        {
            var tags = JsonNode.Parse(await Http.GetStringAsync(new Uri($"/instances/{id}/simplified-tags", UriKind.Relative)))!;
            uids.Add(tags["SOPInstanceUID"]!.GetValue<string>());
        }

        return uids;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Orthanc's last writes may still be settling; the temp folder is cleaned by the system.
        }
    }
}
