namespace Spine.Dicom.Network;

/// <summary>PDU types of the DICOM upper layer (PS3.8 section 9.3).</summary>
public enum PduType : byte
{
    AssociateRequest = 0x01,
    AssociateAccept = 0x02,
    AssociateReject = 0x03,
    Data = 0x04,
    ReleaseRequest = 0x05,
    ReleaseResponse = 0x06,
    Abort = 0x07,
}

/// <summary>A presentation context as proposed: an abstract syntax and the transfer syntaxes the requester can use.</summary>
public sealed record ProposedContext(byte Id, string AbstractSyntax, IReadOnlyList<string> TransferSyntaxes);

/// <summary>The acceptor's answer for one presentation context (PS3.8 9.3.3.2): 0 acceptance, 1 user rejection, 2 no reason, 3 abstract syntax not supported, 4 transfer syntaxes not supported.</summary>
public sealed record ContextResult(byte Id, byte Result, string TransferSyntax)
{
    public const byte Acceptance = 0, UserRejection = 1, NoReason = 2, AbstractSyntaxNotSupported = 3, TransferSyntaxesNotSupported = 4;

    public bool Accepted => Result == Acceptance;
}

/// <summary>What both A-ASSOCIATE-RQ and -AC carry besides their contexts.</summary>
public sealed record AssociationHeader(string CalledAeTitle, string CallingAeTitle, uint MaxPduLength, string ImplementationClassUid, string? ImplementationVersionName);

public sealed record AssociateRequest(AssociationHeader Header, IReadOnlyList<ProposedContext> Contexts);

public sealed record AssociateAccept(AssociationHeader Header, IReadOnlyList<ContextResult> Contexts);

/// <summary>A-ASSOCIATE-RJ (PS3.8 9.3.4): result 1 permanent, 2 transient; source 1 service user, 2 ACSE provider, 3 presentation provider; reason by source.</summary>
public sealed record AssociateReject(byte Result, byte Source, byte Reason)
{
    public static AssociateReject CallingAeNotRecognized { get; } = new(1, 1, 3);

    public static AssociateReject CalledAeNotRecognized { get; } = new(1, 1, 7);

    public static AssociateReject ApplicationContextNotSupported { get; } = new(1, 1, 2);

    public static AssociateReject LocalLimitExceeded { get; } = new(2, 3, 2);

    public static AssociateReject NoReasonGiven { get; } = new(1, 1, 1);

    public override string ToString() => (Source, Reason) switch
    {
        (1, 2) => "application context name not supported",
        (1, 3) => "calling AE title not recognised",
        (1, 7) => "called AE title not recognised",
        (2, 2) => "protocol version not supported",
        (3, 1) => "temporary congestion",
        (3, 2) => "local limit exceeded",
        _ => $"result {Result}, source {Source}, reason {Reason}",
    };
}

/// <summary>One presentation data value: a fragment of a command or data set on one presentation context.</summary>
public sealed record Pdv(byte ContextId, bool IsCommand, bool IsLast, ReadOnlyMemory<byte> Data);

/// <summary>A-ABORT (PS3.8 9.3.8): source 0 service user, 2 service provider; reason (provider): 0 not specified, 1 unrecognised PDU, 2 unexpected PDU, 4 unrecognised PDU parameter, 5 unexpected PDU parameter, 6 invalid PDU parameter value.</summary>
public sealed record Abort(byte Source, byte Reason);

/// <summary>A protocol violation by the peer: the association ends with A-ABORT.</summary>
public sealed class DicomNetworkException(string message, byte abortReason = 0) : Exception(message)
{
    public byte AbortReason { get; } = abortReason;
}

/// <summary>A PDU whose body is the first <paramref name="Length"/> bytes of an array rented from the shared pool.</summary>
public readonly record struct PooledPdu(PduType Type, byte[] Buffer, int Length)
{
    public ReadOnlyMemory<byte> Body => Buffer.AsMemory(0, Length);
}
