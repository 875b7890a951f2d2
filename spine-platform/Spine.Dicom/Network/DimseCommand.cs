using System.Buffers.Binary;
using System.Text;

namespace Spine.Dicom.Network;

/// <summary>DIMSE status codes this toolkit answers with (PS3.7 annex C).</summary>
public static class DimseStatus
{
    public const ushort Success = 0x0000;
    public const ushort SopClassNotSupported = 0x0122;
    public const ushort OutOfResources = 0xA700;
    public const ushort DataSetDoesNotMatchSopClass = 0xA900;
    public const ushort CannotUnderstand = 0xC000;
}

/// <summary>
/// A DIMSE command set (group 0000, always implicit VR little endian, PS3.7 section 9.3 and annex E): the fields the
/// C-ECHO and C-STORE messages use. Unknown command elements are skipped when read.
/// </summary>
public sealed record DimseCommand
{
    public const ushort CStoreRequest = 0x0001, CStoreResponse = 0x8001, CEchoRequest = 0x0030, CEchoResponse = 0x8030;
    public const ushort NoDataSet = 0x0101;
    public const string VerificationSopClass = "1.2.840.10008.1.1";

    public required ushort CommandField { get; init; }
    public string? AffectedSopClassUid { get; init; }
    public ushort MessageId { get; init; }
    public ushort? MessageIdBeingRespondedTo { get; init; }
    public ushort? Priority { get; init; }
    public bool HasDataSet { get; init; }
    public ushort? Status { get; init; }
    public string? ErrorComment { get; init; }
    public string? AffectedSopInstanceUid { get; init; }
    public string? MoveOriginatorAeTitle { get; init; }

    public byte[] Encode()
    {
        var elements = new MemoryStream();
        Ui(elements, 0x0002, AffectedSopClassUid);
        Us(elements, 0x0100, CommandField);
        if ((CommandField & 0x8000) == 0)
        {
            Us(elements, 0x0110, MessageId);
        }

        Us(elements, 0x0120, MessageIdBeingRespondedTo);
        Us(elements, 0x0700, Priority);
        Us(elements, 0x0800, HasDataSet ? (ushort)0x0000 : NoDataSet);
        Us(elements, 0x0900, Status);
        if (ErrorComment is not null)
        {
            Value(elements, 0x0902, Padded(ErrorComment, ' '));
        }

        Ui(elements, 0x1000, AffectedSopInstanceUid);
        if (MoveOriginatorAeTitle is not null)
        {
            Value(elements, 0x1030, Padded(MoveOriginatorAeTitle, ' '));
        }

        var output = new MemoryStream();
        var length = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)elements.Length);
        Value(output, 0x0000, length);
        elements.Position = 0;
        elements.CopyTo(output);
        return output.ToArray();
    }

    public static DimseCommand Parse(ReadOnlySpan<byte> data)
    {
        ushort? commandField = null, messageId = null, respondedTo = null, priority = null, dataSetType = null, status = null;
        string? sopClass = null, sopInstance = null, comment = null, originator = null;
        var offset = 0;
        while (offset < data.Length)
        {
            if (data.Length - offset < 8)
            {
                throw new DicomNetworkException($"malformed command set: element header at offset {offset} is cut short.", abortReason: 6);
            }

            var group = BinaryPrimitives.ReadUInt16LittleEndian(data[offset..]);
            var element = BinaryPrimitives.ReadUInt16LittleEndian(data[(offset + 2)..]);
            var length = BinaryPrimitives.ReadUInt32LittleEndian(data[(offset + 4)..]);
            if (group != 0x0000 || length > data.Length - offset - 8)
            {
                throw new DicomNetworkException($"malformed command set: element ({group:X4},{element:X4}) at offset {offset} with length {length}.", abortReason: 6);
            }

            var value = data.Slice(offset + 8, (int)length);
            switch (element)
            {
                case 0x0002: sopClass = Text(value); break;
                case 0x0100: commandField = Short(value, element); break;
                case 0x0110: messageId = Short(value, element); break;
                case 0x0120: respondedTo = Short(value, element); break;
                case 0x0700: priority = Short(value, element); break;
                case 0x0800: dataSetType = Short(value, element); break;
                case 0x0900: status = Short(value, element); break;
                case 0x0902: comment = Text(value); break;
                case 0x1000: sopInstance = Text(value); break;
                case 0x1030: originator = Text(value); break;
            }

            offset += 8 + (int)length;
        }

        return new DimseCommand
        {
            CommandField = commandField ?? throw new DicomNetworkException("malformed command set: no Command Field (0000,0100).", abortReason: 6),
            AffectedSopClassUid = sopClass,
            MessageId = messageId ?? 0,
            MessageIdBeingRespondedTo = respondedTo,
            Priority = priority,
            HasDataSet = dataSetType is { } type && type != NoDataSet,
            Status = status,
            ErrorComment = comment,
            AffectedSopInstanceUid = sopInstance,
            MoveOriginatorAeTitle = originator,
        };
    }

    private static ushort Short(ReadOnlySpan<byte> value, ushort element) =>
        value.Length == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(value) : throw new DicomNetworkException($"malformed command set: (0000,{element:X4}) is {value.Length} bytes, not 2.", abortReason: 6);

    private static string Text(ReadOnlySpan<byte> value) => Encoding.ASCII.GetString(value).TrimEnd('\0', ' ');

    private static byte[] Padded(string text, char pad) => Encoding.ASCII.GetBytes(text.Length % 2 == 0 ? text : text + pad);

    private static void Ui(Stream output, ushort element, string? uid)
    {
        if (uid is not null)
        {
            Value(output, element, Padded(uid, '\0'));
        }
    }

    private static void Us(Stream output, ushort element, ushort? value)
    {
        if (value is { } v)
        {
            var bytes = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(bytes, v);
            Value(output, element, bytes);
        }
    }

    private static void Value(Stream output, ushort element, byte[] value)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt16LittleEndian(header, 0x0000);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], element);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)value.Length);
        output.Write(header);
        output.Write(value);
    }
}
