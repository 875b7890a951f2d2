using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Spine.Dicom.Network;

/// <summary>
/// Reads and writes the PDUs of the DICOM upper layer (PS3.8 section 9.3): big-endian lengths, AE titles padded to 16
/// bytes, variable items (application context 10H, presentation contexts 20H/21H with abstract 30H and transfer 40H
/// syntaxes, user information 50H with maximum length 51H, implementation class UID 52H and version name 55H; other
/// user information sub-items are skipped). Every length is checked against what holds it, so a malformed PDU ends in
/// a <see cref="DicomNetworkException"/> naming the item and offset, never in an out-of-range read.
/// </summary>
public static class PduCodec
{
    public const string ApplicationContextName = "1.2.840.10008.3.1.1.1";

    /// <summary>Reads one PDU; null when the peer closed the connection cleanly before a new PDU began.</summary>
    /// <param name="maxBodyLength">Longest body accepted; a longer announced length is a protocol violation (read nothing more).</param>
    public static async Task<(PduType Type, byte[] Body)?> ReadAsync(Stream stream, uint maxBodyLength, CancellationToken cancellationToken)
    {
        if (await ReadHeaderAsync(stream, maxBodyLength, cancellationToken) is not var (type, length))
        {
            return null;
        }

        var body = new byte[length];
        await ReadBodyAsync(stream, type, body, (int)length, cancellationToken);
        return (type, body);
    }

    /// <summary>
    /// Reads one PDU into an array rented from <see cref="ArrayPool{T}.Shared"/>, which the caller returns: large data
    /// sets arrive as many PDUs, and a new array for each is garbage the size of the study.
    /// </summary>
    public static async Task<PooledPdu?> ReadPooledAsync(Stream stream, uint maxBodyLength, CancellationToken cancellationToken)
    {
        if (await ReadHeaderAsync(stream, maxBodyLength, cancellationToken) is not var (type, length))
        {
            return null;
        }

        var body = ArrayPool<byte>.Shared.Rent((int)length);
        try
        {
            await ReadBodyAsync(stream, type, body, (int)length, cancellationToken);
            return new PooledPdu(type, body, (int)length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(body);
            throw;
        }
    }

    private static async Task<(PduType Type, uint Length)?> ReadHeaderAsync(Stream stream, uint maxBodyLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[6];
        var read = await stream.ReadAtLeastAsync(header, 6, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < 6)
        {
            throw new DicomNetworkException($"the connection closed inside a PDU header ({read} of 6 bytes).");
        }

        var type = header[0];
        if (type is < 1 or > 7)
        {
            throw new DicomNetworkException($"unknown PDU type 0x{type:X2}.", abortReason: 1);
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(2));
        if (length > maxBodyLength || length > Array.MaxLength)
        {
            throw new DicomNetworkException($"{(PduType)type} PDU of {length} bytes exceeds the limit of {Math.Min(maxBodyLength, (uint)Array.MaxLength)}.", abortReason: 6);
        }

        return ((PduType)type, length);
    }

    private static async Task ReadBodyAsync(Stream stream, PduType type, byte[] body, int length, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(body.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken);
        if (read < length)
        {
            throw new DicomNetworkException($"the connection closed inside a {type} PDU ({read} of {length} bytes).");
        }
    }

    public static AssociateRequest ParseAssociateRequest(ReadOnlySpan<byte> body)
    {
        var (header, _) = ParseAssociateHeader(body, "A-ASSOCIATE-RQ");
        var contexts = new List<ProposedContext>();
        var user = new UserInformation();
        foreach (var (type, offset, value) in Items(body, 68, body.Length, "A-ASSOCIATE-RQ"))
        {
            switch (type)
            {
                case 0x10:
                    CheckApplicationContext(value, offset);
                    break;
                case 0x20:
                    contexts.Add(ParseProposedContext(value, offset));
                    break;
                case 0x50:
                    user = ParseUserInformation(value, offset);
                    break;
            }
        }

        return new AssociateRequest(header with { MaxPduLength = user.MaxLength, ImplementationClassUid = user.ClassUid, ImplementationVersionName = user.VersionName }, contexts);
    }

    public static AssociateAccept ParseAssociateAccept(ReadOnlySpan<byte> body)
    {
        var (header, _) = ParseAssociateHeader(body, "A-ASSOCIATE-AC");
        var contexts = new List<ContextResult>();
        var user = new UserInformation();
        foreach (var (type, offset, value) in Items(body, 68, body.Length, "A-ASSOCIATE-AC"))
        {
            switch (type)
            {
                case 0x21:
                    if (value.Length < 4)
                    {
                        throw Invalid($"presentation context item at offset {offset} is shorter than 4 bytes");
                    }

                    var syntax = string.Empty;
                    foreach (var (subType, _, subValue) in Items(value, 4, value.Length, "presentation context"))
                    {
                        if (subType == 0x40)
                        {
                            syntax = Uid(subValue);
                        }
                    }

                    contexts.Add(new ContextResult(value[0], value[2], syntax));
                    break;
                case 0x50:
                    user = ParseUserInformation(value, offset);
                    break;
            }
        }

        return new AssociateAccept(header with { MaxPduLength = user.MaxLength, ImplementationClassUid = user.ClassUid, ImplementationVersionName = user.VersionName }, contexts);
    }

    public static AssociateReject ParseAssociateReject(ReadOnlySpan<byte> body) =>
        body.Length < 4 ? throw Invalid("A-ASSOCIATE-RJ is shorter than 4 bytes") : new AssociateReject(body[1], body[2], body[3]);

    public static Abort ParseAbort(ReadOnlySpan<byte> body) =>
        body.Length < 4 ? throw Invalid("A-ABORT is shorter than 4 bytes") : new Abort(body[2], body[3]);

    /// <summary>The PDVs of a P-DATA-TF body.</summary>
    public static List<Pdv> ParseData(ReadOnlyMemory<byte> body)
    {
        var pdvs = new List<Pdv>();
        var span = body.Span;
        var offset = 0;
        while (offset < span.Length)
        {
            if (span.Length - offset < 6)
            {
                throw Invalid($"PDV item at offset {offset} is cut short");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(span[offset..]);
            if (length < 2 || length > span.Length - offset - 4)
            {
                throw Invalid($"PDV item at offset {offset} announces {length} bytes, {span.Length - offset - 4} remain");
            }

            var control = span[offset + 5];
            pdvs.Add(new Pdv(span[offset + 4], (control & 1) != 0, (control & 2) != 0, body.Slice(offset + 6, (int)length - 2)));
            offset += 4 + (int)length;
        }

        return pdvs;
    }

    public static byte[] Encode(AssociateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var items = new ArrayBufferWriter<byte>();
        Item(items, 0x10, Ascii(ApplicationContextName));
        foreach (var context in request.Contexts)
        {
            var value = new ArrayBufferWriter<byte>();
            value.Write<byte>([context.Id, 0, 0, 0]);
            Item(value, 0x30, Ascii(context.AbstractSyntax));
            foreach (var syntax in context.TransferSyntaxes)
            {
                Item(value, 0x40, Ascii(syntax));
            }

            Item(items, 0x20, value.WrittenSpan);
        }

        Item(items, 0x50, UserInformationBytes(request.Header));
        return Associate(PduType.AssociateRequest, request.Header, items.WrittenSpan);
    }

    public static byte[] Encode(AssociateAccept accept)
    {
        ArgumentNullException.ThrowIfNull(accept);
        var items = new ArrayBufferWriter<byte>();
        Item(items, 0x10, Ascii(ApplicationContextName));
        foreach (var context in accept.Contexts)
        {
            var value = new ArrayBufferWriter<byte>();
            value.Write<byte>([context.Id, 0, context.Result, 0]);
            Item(value, 0x40, Ascii(context.TransferSyntax));
            Item(items, 0x21, value.WrittenSpan);
        }

        Item(items, 0x50, UserInformationBytes(accept.Header));
        return Associate(PduType.AssociateAccept, accept.Header, items.WrittenSpan);
    }

    public static byte[] Encode(AssociateReject reject)
    {
        ArgumentNullException.ThrowIfNull(reject);
        return Pdu(PduType.AssociateReject, [0, reject.Result, reject.Source, reject.Reason]);
    }

    public static byte[] Encode(Abort abort)
    {
        ArgumentNullException.ThrowIfNull(abort);
        return Pdu(PduType.Abort, [0, 0, abort.Source, abort.Reason]);
    }

    public static byte[] ReleaseRequest() => Pdu(PduType.ReleaseRequest, [0, 0, 0, 0]);

    public static byte[] ReleaseResponse() => Pdu(PduType.ReleaseResponse, [0, 0, 0, 0]);

    /// <summary>One P-DATA-TF holding one PDV.</summary>
    public static byte[] EncodeData(byte contextId, bool isCommand, bool isLast, ReadOnlySpan<byte> data)
    {
        var pdu = new byte[6 + 6 + data.Length];
        pdu[0] = (byte)PduType.Data;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)(6 + data.Length));
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(6), (uint)(2 + data.Length));
        pdu[10] = contextId;
        pdu[11] = (byte)((isCommand ? 1 : 0) | (isLast ? 2 : 0));
        data.CopyTo(pdu.AsSpan(12));
        return pdu;
    }

    private static (AssociationHeader Header, int ItemsStart) ParseAssociateHeader(ReadOnlySpan<byte> body, string what)
    {
        if (body.Length < 68)
        {
            throw Invalid($"{what} is {body.Length} bytes, shorter than its 68-byte fixed part");
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(body);
        if ((version & 1) == 0)
        {
            throw new DicomNetworkException($"{what}: protocol version 0x{version:X4} does not include version 1.", abortReason: 6);
        }

        return (new AssociationHeader(AeTitle(body.Slice(4, 16)), AeTitle(body.Slice(20, 16)), 0, string.Empty, null), 68);
    }

    private static void CheckApplicationContext(ReadOnlySpan<byte> value, int offset)
    {
        var name = Uid(value);
        if (name != ApplicationContextName)
        {
            throw new DicomNetworkException($"application context '{name}' at offset {offset} is not the DICOM application context.", abortReason: 6);
        }
    }

    private static ProposedContext ParseProposedContext(ReadOnlySpan<byte> value, int offset)
    {
        if (value.Length < 4)
        {
            throw Invalid($"presentation context item at offset {offset} is shorter than 4 bytes");
        }

        string? abstractSyntax = null;
        var transferSyntaxes = new List<string>();
        foreach (var (type, _, subValue) in Items(value, 4, value.Length, "presentation context"))
        {
            if (type == 0x30)
            {
                abstractSyntax = Uid(subValue);
            }
            else if (type == 0x40)
            {
                transferSyntaxes.Add(Uid(subValue));
            }
        }

        return new ProposedContext(value[0], abstractSyntax ?? throw Invalid($"presentation context {value[0]} at offset {offset} has no abstract syntax"), transferSyntaxes);
    }

    private readonly record struct UserInformation(uint MaxLength, string ClassUid, string? VersionName)
    {
        public UserInformation()
            : this(0, string.Empty, null)
        {
        }
    }

    private static UserInformation ParseUserInformation(ReadOnlySpan<byte> value, int offset)
    {
        var user = new UserInformation();
        foreach (var (type, subOffset, subValue) in Items(value, 0, value.Length, "user information"))
        {
            switch (type)
            {
                case 0x51 when subValue.Length == 4:
                    user = user with { MaxLength = BinaryPrimitives.ReadUInt32BigEndian(subValue) };
                    break;
                case 0x51:
                    throw Invalid($"maximum length sub-item at offset {offset + subOffset} is {subValue.Length} bytes, not 4");
                case 0x52:
                    user = user with { ClassUid = Uid(subValue) };
                    break;
                case 0x55:
                    user = user with { VersionName = Encoding.ASCII.GetString(subValue).Trim() };
                    break;
            }
        }

        return user;
    }

    /// <summary>The items (type, offset in <paramref name="data"/>, value) between <paramref name="start"/> and <paramref name="end"/>.</summary>
    private static List<(byte Type, int Offset, byte[] Value)> Items(ReadOnlySpan<byte> data, int start, int end, string within)
    {
        var items = new List<(byte, int, byte[])>();
        var offset = start;
        while (offset < end)
        {
            if (end - offset < 4)
            {
                throw Invalid($"item header at offset {offset} of the {within} is cut short");
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(data[(offset + 2)..]);
            if (length > end - offset - 4)
            {
                throw Invalid($"item 0x{data[offset]:X2} at offset {offset} of the {within} announces {length} bytes, {end - offset - 4} remain");
            }

            items.Add((data[offset], offset, data.Slice(offset + 4, length).ToArray()));
            offset += 4 + length;
        }

        return items;
    }

    private static byte[] UserInformationBytes(AssociationHeader header)
    {
        var user = new ArrayBufferWriter<byte>();
        var max = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(max, header.MaxPduLength);
        Item(user, 0x51, max);
        Item(user, 0x52, Ascii(header.ImplementationClassUid));
        if (!string.IsNullOrEmpty(header.ImplementationVersionName))
        {
            Item(user, 0x55, Ascii(header.ImplementationVersionName));
        }

        return user.WrittenSpan.ToArray();
    }

    private static byte[] Associate(PduType type, AssociationHeader header, ReadOnlySpan<byte> items)
    {
        var body = new byte[68 + items.Length];
        BinaryPrimitives.WriteUInt16BigEndian(body, 1);
        Encoding.ASCII.GetBytes(header.CalledAeTitle.PadRight(16).AsSpan(0, 16), body.AsSpan(4, 16));
        Encoding.ASCII.GetBytes(header.CallingAeTitle.PadRight(16).AsSpan(0, 16), body.AsSpan(20, 16));
        items.CopyTo(body.AsSpan(68));
        return Pdu(type, body);
    }

    private static byte[] Pdu(PduType type, ReadOnlySpan<byte> body)
    {
        var pdu = new byte[6 + body.Length];
        pdu[0] = (byte)type;
        BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(2), (uint)body.Length);
        body.CopyTo(pdu.AsSpan(6));
        return pdu;
    }

    private static void Item(ArrayBufferWriter<byte> output, byte type, ReadOnlySpan<byte> value)
    {
        var header = output.GetSpan(4);
        header[0] = type;
        header[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], checked((ushort)value.Length));
        output.Advance(4);
        output.Write(value);
    }

    private static byte[] Ascii(string value) => Encoding.ASCII.GetBytes(value);

    private static string AeTitle(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).Trim(' ', '\0');

    // UIDs in items are unpadded, but some implementations pad them with a NUL as in data sets.
    private static string Uid(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');

    private static DicomNetworkException Invalid(string what) => new($"malformed PDU: {what}.", abortReason: 6);
}
