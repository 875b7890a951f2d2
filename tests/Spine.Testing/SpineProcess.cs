using System.Net;
using System.Net.Sockets;
using Spine.Platform.Diagnostics;

namespace Spine.Testing;

/// <summary>The spine CLI of this build running as a separate OS process, its output captured; killed on dispose if still running.</summary>
public static class SpineProcess
{
    /// <summary>How to start this build's spine CLI: the program and the arguments before spine's own.</summary>
    public static (string FileName, IReadOnlyList<string> LeadingArguments) Launcher => ("dotnet", [RepositoryLayout.SpineCli]);

    /// <summary>Starts <c>spine ARGS</c> with the given environment variables added to this process's.</summary>
    public static ChildProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        ChildProcess.Start(Launcher.FileName, [.. Launcher.LeadingArguments, .. arguments], environment);

    /// <summary>Runs <c>spine ARGS</c> to completion within <paramref name="timeout"/>.</summary>
    public static async Task<ChildProcess> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var process = Start(arguments, environment);
        await process.WaitForExitAsync(timeout);
        return process;
    }

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
