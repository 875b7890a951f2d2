using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Spine.Testing;

/// <summary>The spine CLI running as a separate OS process, its output captured; killed on dispose if still running.</summary>
public sealed class SpineProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private SpineProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, line) => Append(_stdout, line.Data);
        process.ErrorDataReceived += (_, line) => Append(_stderr, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string StandardOutput { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string StandardError { get { lock (_stderr) { return _stderr.ToString(); } } }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    /// <summary>The process's peak resident memory so far (Linux's VmHWM), in MiB; 0 once it has exited.</summary>
    public double PeakResidentMiB() => StatusMiB("VmHWM:");

    /// <summary>The process's resident memory now (Linux's VmRSS), in MiB; 0 once it has exited.</summary>
    public double ResidentMiB() => StatusMiB("VmRSS:");

    private double StatusMiB(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Starts <c>spine ARGS</c> with the given environment variables added to this process's.</summary>
    public static SpineProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(RepositoryLayout.SpineCli);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new SpineProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start."));
    }

    /// <summary>Runs <c>spine ARGS</c> to completion within <paramref name="timeout"/>.</summary>
    public static async Task<SpineProcess> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Start(arguments, environment);
        await process.WaitForExitAsync(timeout);
        return process;
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"spine did not exit within {timeout.TotalSeconds:0} s. Output:\n{StandardOutput}\nErrors:\n{StandardError}");
        }
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    /// <summary>Asks the process to stop (SIGTERM, as Kubernetes does) and waits for it to exit; it is killed if it overruns.</summary>
    public async Task StopAsync(TimeSpan within)
    {
        if (_process.HasExited)
        {
            return;
        }

        await ExternalTool.RunAsync("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await WaitForExitAsync(within);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
