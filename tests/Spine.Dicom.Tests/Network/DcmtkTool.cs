using System.Diagnostics;

namespace Spine.Dicom.Tests.Network;

/// <summary>A dcmtk command-line tool (Debian's package) run to completion, its output captured.</summary>
internal static class DcmtkTool
{
    public static async Task<(int ExitCode, string Output)> RunAsync(string tool, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start (is dcmtk installed?).");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in time:\n{await output}\n{await errors}");
        }

        return (process.ExitCode, await output + await errors);
    }
}

/// <summary>A storage handler that keeps what it receives, for tests.</summary>
internal sealed class RecordingStorageHandler : Spine.Dicom.Network.IStorageHandler
{
    public System.Collections.Concurrent.ConcurrentQueue<(string SopInstanceUid, string TransferSyntaxUid, byte[] DataSet)> Stored { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<string> Refusals { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<bool> Ended { get; } = new();

    public bool AcceptsAbstractSyntax(string sopClassUid) => sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.", StringComparison.Ordinal);

    public Task<ushort> StoreAsync(Spine.Dicom.Network.AssociationInfo association, Spine.Dicom.Network.DimseCommand request, string transferSyntaxUid, byte[] dataSet, CancellationToken cancellationToken)
    {
        Stored.Enqueue((request.AffectedSopInstanceUid!, transferSyntaxUid, dataSet));
        return Task.FromResult(Spine.Dicom.Network.DimseStatus.Success);
    }

    public Task AssociationEndedAsync(Spine.Dicom.Network.AssociationInfo association, bool released)
    {
        Ended.Enqueue(released);
        return Task.CompletedTask;
    }

    public void Refused(string calling, System.Net.IPEndPoint remote, string reason) => Refusals.Enqueue($"{calling}: {reason}");
}
