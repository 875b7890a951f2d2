using System.Diagnostics;
using MassTransit;
using Microsoft.Extensions.Logging;
using Spine.Platform.Storage;

namespace Spine.Platform.Diagnostics;

/// <summary>
/// The receiving half of the deployment probe: reads the payload back through the object store (which verifies its
/// SHA-256), hashes it again independently, and answers with what it read and the trace it ran in.
/// </summary>
public sealed partial class ProbeConsumer(IObjectStore store, ILogger<ProbeConsumer> logger) : IConsumer<ProbeRequested>
{
    public async Task Consume(ConsumeContext<ProbeRequested> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Message;
        long length;
        string sha256;
        await using (var payload = await store.OpenReadAsync(request.Payload, context.CancellationToken))
        {
            (length, sha256) = await ContentHashing.CopyAsync(payload, null, context.CancellationToken);
        }

        LogPayloadVerified(logger, request.ProbeId, length);
        await context.RespondAsync(new ProbeCompleted
        {
            ProbeId = request.ProbeId,
            Length = length,
            Sha256 = sha256,
            TraceId = Activity.Current?.TraceId.ToHexString() ?? string.Empty,
            ProcessId = Environment.ProcessId,
        });
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Probe {ProbeId}: read back {Length} bytes, SHA-256 verified")]
    private static partial void LogPayloadVerified(ILogger logger, Guid probeId, long length);
}
