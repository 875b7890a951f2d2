using Spine.Contracts.V1;

namespace Spine.Platform.Diagnostics;

/// <summary>Asks a probe consumer to read a payload back from storage and say what it found.</summary>
public sealed record ProbeRequested
{
    public required Guid ProbeId { get; init; }
    public required ObjectRef Payload { get; init; }
}

/// <summary>What the probe consumer read, in which process, and in which trace.</summary>
public sealed record ProbeCompleted
{
    public required Guid ProbeId { get; init; }
    public required long Length { get; init; }
    public required string Sha256 { get; init; }
    public required string TraceId { get; init; }
    public required int ProcessId { get; init; }
}
