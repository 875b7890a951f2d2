using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Platform.Hosting;
using Spine.Platform.Storage;

namespace Spine.Platform.Diagnostics;

/// <summary>What one probe found.</summary>
public sealed record ProbeResult(
    Guid ProbeId,
    long Length,
    string Sha256,
    string ConsumerSha256,
    string TraceId,
    string ConsumerTraceId,
    int ProcessId,
    int ConsumerProcessId,
    double RoundTripMilliseconds)
{
    /// <summary>The payload came back whole and the consumer's span joined this trace.</summary>
    public bool Succeeded => Sha256 == ConsumerSha256 && TraceId.Length > 0 && TraceId == ConsumerTraceId;
}

/// <summary>
/// The sending half of the deployment probe: puts a payload in object storage, sends a claim check to the probe
/// consumer over the bus and waits for its answer. Proves broker, storage and trace propagation end to end.
/// </summary>
public sealed partial class DeploymentProbe(IObjectStore store, IRequestClient<ProbeRequested> client, TimeProvider clock, ILogger<DeploymentProbe> logger)
{
    public async Task<ProbeResult> RunAsync(long payloadBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(payloadBytes);
        var probeId = Guid.NewGuid();
        using var activity = SpineTelemetry.Source.StartActivity("probe", ActivityKind.Producer);
        var started = clock.GetTimestamp();
        var key = $"probes/{probeId:n}.bin";

        await using var payload = await WriteRandomPayloadAsync(payloadBytes, cancellationToken);
        var reference = await store.PutAsync(key, payload, "application/octet-stream", cancellationToken);
        try
        {
            LogProbeSent(logger, probeId, reference.Length);
            var response = await client.GetResponse<ProbeCompleted>(new ProbeRequested { ProbeId = probeId, Payload = reference }, cancellationToken);
            var answer = response.Message;
            return new ProbeResult(
                probeId,
                reference.Length,
                reference.Sha256,
                answer.Sha256,
                activity?.TraceId.ToHexString() ?? string.Empty,
                answer.TraceId,
                Environment.ProcessId,
                answer.ProcessId,
                clock.GetElapsedTime(started).TotalMilliseconds);
        }
        finally
        {
            await store.DeleteAsync(key, CancellationToken.None);
        }
    }

    // A seekable temporary file, so the store hashes it in place instead of spooling a second copy.
    private static async Task<FileStream> WriteRandomPayloadAsync(long length, CancellationToken cancellationToken)
    {
        var file = new FileStream(
            Path.Combine(Path.GetTempPath(), "spine-probe-" + Guid.NewGuid().ToString("n")),
            FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        var buffer = new byte[1 << 20];
        for (long written = 0; written < length; written += buffer.Length)
        {
            var count = (int)Math.Min(buffer.Length, length - written);
            Random.Shared.NextBytes(buffer.AsSpan(0, count));
            await file.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
        }

        file.Position = 0;
        return file;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe {ProbeId}: stored {Length} bytes, request sent")]
    private static partial void LogProbeSent(ILogger logger, Guid probeId, long length);
}
