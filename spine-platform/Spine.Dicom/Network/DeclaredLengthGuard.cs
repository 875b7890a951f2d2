using System.Buffers.Binary;

namespace Spine.Dicom.Network;

/// <summary>
/// Walks the element headers of a data set while its fragments arrive and refuses it as soon as an element declares a
/// value that would end beyond the data set limit: a sender that announces a 4 GiB Pixel Data is aborted on its first
/// fragments, before the channel has buffered anything near the limit. Values are skipped, not read; elements of
/// undefined length (sequences, encapsulated pixel data, items) are descended into, so every nested length is checked
/// too. Deflated data sets cannot be walked before they are inflated: for them only the byte count limits.
/// </summary>
internal sealed class DeclaredLengthGuard(DicomTransferSyntax syntax, long limit)
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private long _next;

    /// <summary>A guard for the context's transfer syntax, or none where the encoding cannot be walked raw.</summary>
    public static DeclaredLengthGuard? For(DicomTransferSyntax? syntax, long limit) =>
        syntax is null || syntax.Deflated ? null : new DeclaredLengthGuard(syntax, limit);

    /// <summary>Checks every element header that <paramref name="received"/> (the data set so far) holds whole.</summary>
    public void Check(ReadOnlySpan<byte> received)
    {
        while (_next + 8 <= received.Length)
        {
            var at = (int)_next;
            var header = received[at..];
            var group = Read16(header);
            var element = Read16(header[2..]);
            int headerLength;
            uint length;
            if (group == 0xFFFE || !syntax.ExplicitVR)
            {
                // Items and delimiters (always implicit), and every element of an implicit VR data set: tag, 4-byte length.
                (headerLength, length) = (8, Read32(header[4..]));
            }
            else if (HasLongLength(header[4], header[5]))
            {
                if (header.Length < 12)
                {
                    return;
                }

                (headerLength, length) = (12, Read32(header[8..]));
            }
            else
            {
                (headerLength, length) = (8, Read16(header[6..]));
            }

            // An undefined length opens a sequence, an item or encapsulated pixel data: their contents follow as headers.
            var end = _next + headerLength + (length == UndefinedLength ? 0 : length);
            if (end > limit)
            {
                throw new DicomNetworkException(
                    $"element ({group:X4},{element:X4}) at offset {_next} declares {length} bytes, beyond the {limit} bytes a data set may have.", abortReason: 0);
            }

            _next = end;
        }
    }

    // PS3.5 7.1.2: these VRs have two reserved bytes and a 32-bit length.
    private static bool HasLongLength(byte first, byte second) => (first, second) switch
    {
        ((byte)'O', (byte)'B' or (byte)'D' or (byte)'F' or (byte)'L' or (byte)'V' or (byte)'W') => true,
        ((byte)'S', (byte)'Q' or (byte)'V') => true,
        ((byte)'U', (byte)'C' or (byte)'N' or (byte)'R' or (byte)'T' or (byte)'V') => true,
        _ => false,
    };

    private ushort Read16(ReadOnlySpan<byte> bytes) => syntax.BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(bytes) : BinaryPrimitives.ReadUInt16LittleEndian(bytes);

    private uint Read32(ReadOnlySpan<byte> bytes) => syntax.BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
}
