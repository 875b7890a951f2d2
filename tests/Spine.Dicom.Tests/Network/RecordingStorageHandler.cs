using Spine.Dicom.Network;

namespace Spine.Dicom.Tests.Network;

/// <summary>A storage handler that keeps what it receives, for tests.</summary>
internal sealed class RecordingStorageHandler : IStorageHandler
{
    public System.Collections.Concurrent.ConcurrentQueue<(string SopInstanceUid, string TransferSyntaxUid, byte[] DataSet)> Stored { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<string> Refusals { get; } = new();

    public System.Collections.Concurrent.ConcurrentQueue<bool> Ended { get; } = new();

    /// <summary>Each ended association's calling AE title and whether it was released (false: aborted or cut).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string Calling, bool Released)> EndedBy { get; } = new();

    public bool AcceptsAbstractSyntax(string sopClassUid) => sopClassUid.StartsWith("1.2.840.10008.5.1.4.1.1.", StringComparison.Ordinal);

    public Task<ushort> StoreAsync(AssociationInfo association, DimseCommand request, string transferSyntaxUid, ReadOnlyMemory<byte> dataSet, CancellationToken cancellationToken)
    {
        Stored.Enqueue((request.AffectedSopInstanceUid!, transferSyntaxUid, dataSet.ToArray()));
        return Task.FromResult(DimseStatus.Success);
    }

    public Task AssociationEndedAsync(AssociationInfo association, bool released)
    {
        Ended.Enqueue(released);
        EndedBy.Enqueue((association.CallingAeTitle, released));
        return Task.CompletedTask;
    }

    public void Refused(string calling, System.Net.IPEndPoint remote, string reason) => Refusals.Enqueue($"{calling}: {reason}");
}
