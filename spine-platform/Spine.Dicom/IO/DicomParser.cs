using System.Buffers.Binary;
using System.Globalization;

namespace Spine.Dicom;

/// <summary>
/// Parses a data set from a buffer. Every length is checked against what remains before anything is sliced, so a
/// damaged file fails with a <see cref="DicomFormatException"/> and never allocates more than it holds.
/// </summary>
internal sealed class DicomParser
{
    private const uint UndefinedLength = 0xFFFFFFFF;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly string? _source;
    private readonly DicomReadOptions _options;
    private readonly long _offsetBase;
    private readonly bool _isPrefix;

    /// <param name="data">The bytes to parse.</param>
    /// <param name="offsetBase">Offset of <paramref name="data"/>'s first byte in the source, for messages.</param>
    /// <param name="isPrefix">The buffer is only the start of the file: running out of bytes means "read more", not "damaged".</param>
    public DicomParser(ReadOnlyMemory<byte> data, string? source, DicomReadOptions options, long offsetBase = 0, bool isPrefix = false)
    {
        _data = data;
        _source = source;
        _options = options;
        _offsetBase = offsetBase;
        _isPrefix = isPrefix;
    }

    public bool ExplicitVR { get; init; } = true;

    public bool BigEndian { get; init; }

    /// <summary>Set when parsing stopped at Pixel Data: its offset in the source.</summary>
    public long? PixelDataOffset { get; private set; }

    /// <summary>Parses elements from <paramref name="start"/> to <paramref name="end"/> (top level), or while <paramref name="accept"/> holds.</summary>
    public int ParseDataset(DicomDataset target, int start, int end, Func<DicomTag, bool>? accept = null) =>
        Parse(target, start, end, depth: 0, untilItemDelimiter: false, accept);

    private int Parse(DicomDataset target, int position, int end, int depth, bool untilItemDelimiter, Func<DicomTag, bool>? accept)
    {
        var span = _data.Span;
        while (position < end)
        {
            if (end - position < 8)
            {
                if (!untilItemDelimiter && depth == 0 && span[position..end].IndexOfAnyExcept((byte)0) < 0)
                {
                    return end; // Trailing zero padding after the last element.
                }

                throw Error(position, null, $"the data ends inside an element header ({end - position} bytes left, 8 needed)");
            }

            var tag = ReadTag(span, position);
            if (accept is not null && !accept(tag))
            {
                return position;
            }

            if (tag == DicomTags.ItemDelimitationItem)
            {
                if (!untilItemDelimiter)
                {
                    throw Error(position, tag, "item delimitation item outside an item of undefined length");
                }

                return position + 8;
            }

            if (tag == DicomTags.SequenceDelimitationItem && depth == 0)
            {
                // Some writers leave a stray delimiter at the end of the data set; it closes nothing.
                position += 8;
                continue;
            }

            if (depth == 0 && _options.StopBeforePixelData && tag == DicomTags.PixelData)
            {
                PixelDataOffset = _offsetBase + position;
                return position;
            }

            position = ParseElement(target, span, position, end, tag, depth);
        }

        if (untilItemDelimiter)
        {
            throw Error(position, null, "an item of undefined length ends without an item delimitation item");
        }

        return position;
    }

    private int ParseElement(DicomDataset target, ReadOnlySpan<byte> span, int position, int end, DicomTag tag, int depth)
    {
        var start = position;
        var (vr, length, headerLength) = ReadHeader(span, position, end, tag);
        position += headerLength;

        if (length == UndefinedLength)
        {
            if (tag == DicomTags.PixelData)
            {
                return ParseEncapsulated(target, position, end, tag, vr, start);
            }

            if (vr == DicomVR.SQ || vr == DicomVR.UN)
            {
                // UN of undefined length holds a sequence in implicit VR little endian (PS3.5 6.2.2).
                var inner = vr == DicomVR.UN ? new DicomParser(_data, _source, _options, _offsetBase, _isPrefix) { ExplicitVR = false } : this;
                return inner.ParseSequence(target, position, end, tag, start, depth, undefinedLength: true);
            }

            throw Error(start, tag, $"undefined length is not allowed for VR {vr}");
        }

        if (length > (uint)(end - position))
        {
            throw Truncated(start, tag, length, end - position);
        }

        var valueEnd = position + (int)length;
        if (vr == DicomVR.SQ)
        {
            ParseSequence(target, position, valueEnd, tag, start, depth, undefinedLength: false);
            return valueEnd;
        }

        target.TryAdd(new DicomElement(tag, vr, Value(position, (int)length, vr), _offsetBase + start));
        return valueEnd;
    }

    private int ParseSequence(DicomDataset target, int position, int end, DicomTag tag, int elementStart, int depth, bool undefinedLength)
    {
        if (depth >= _options.MaxSequenceDepth)
        {
            throw Error(elementStart, tag, $"sequences are nested deeper than {_options.MaxSequenceDepth}");
        }

        var span = _data.Span;
        var items = new List<DicomDataset>();
        while (true)
        {
            if (!undefinedLength && position >= end)
            {
                break;
            }

            if (end - position < 8)
            {
                throw undefinedLength && !_isPrefix
                    ? Error(position, tag, "the sequence ends without a sequence delimitation item: the data ends inside it")
                    : undefinedLength ? new NeedMoreDataException() : Error(position, tag, $"the sequence holds {end - position} stray bytes after its last item");
            }

            var itemTag = ReadTag(span, position);
            var itemLength = ReadUInt32(span, position + 4);
            if (itemTag == DicomTags.SequenceDelimitationItem)
            {
                position += 8;
                if (undefinedLength)
                {
                    break;
                }

                continue;
            }

            if (itemTag != DicomTags.Item)
            {
                throw Error(position, tag, $"expected an item (FFFE,E000) in the sequence, found {itemTag}");
            }

            var item = new DicomDataset(target) { Offset = _offsetBase + position };
            var itemStart = position;
            position += 8;
            if (itemLength == UndefinedLength)
            {
                position = Parse(item, position, end, depth + 1, untilItemDelimiter: true, accept: null);
            }
            else
            {
                if (itemLength > (uint)(end - position))
                {
                    throw Truncated(itemStart, tag, itemLength, end - position);
                }

                Parse(item, position, position + (int)itemLength, depth + 1, untilItemDelimiter: false, accept: null);
                position += (int)itemLength;
            }

            items.Add(item);
        }

        target.TryAdd(DicomElement.Sequence(tag, items, _offsetBase + elementStart));
        return position;
    }

    private int ParseEncapsulated(DicomDataset target, int position, int end, DicomTag tag, DicomVR vr, int elementStart)
    {
        var span = _data.Span;
        var fragments = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            if (end - position < 8)
            {
                throw _isPrefix
                    ? new NeedMoreDataException()
                    : Error(position, tag, "encapsulated pixel data ends without a sequence delimitation item: the data is cut short");
            }

            var itemTag = ReadTag(span, position);
            var length = ReadUInt32(span, position + 4);
            if (itemTag == DicomTags.SequenceDelimitationItem)
            {
                position += 8;
                break;
            }

            if (itemTag != DicomTags.Item)
            {
                throw Error(position, tag, $"expected a fragment item (FFFE,E000) in encapsulated pixel data, found {itemTag}");
            }

            if (length > (uint)(end - position - 8))
            {
                throw Truncated(position, tag, length, end - position - 8);
            }

            fragments.Add(_data.Slice(position + 8, (int)length));
            position += 8 + (int)length;
        }

        if (fragments.Count == 0)
        {
            throw Error(elementStart, tag, "encapsulated pixel data has no basic offset table item");
        }

        target.TryAdd(DicomElement.Encapsulated(tag, vr, fragments, _offsetBase + elementStart));
        return position;
    }

    private (DicomVR Vr, uint Length, int HeaderLength) ReadHeader(ReadOnlySpan<byte> span, int position, int end, DicomTag tag)
    {
        if (tag.Group == 0xFFFE)
        {
            throw Error(position, tag, "an item tag where a data element was expected");
        }

        if (ExplicitVR)
        {
            var vr = DicomVR.From(span[position + 4], span[position + 5]);
            if (vr.IsKnown)
            {
                if (!vr.HasLongLength)
                {
                    return (vr, BigEndian ? BinaryPrimitives.ReadUInt16BigEndian(span[(position + 6)..]) : BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 6)..]), 8);
                }

                if (end - position < 12)
                {
                    throw Error(position, tag, "the data ends inside an element header");
                }

                return (vr, ReadUInt32(span, position + 8), 12);
            }

            if (char.IsAsciiLetterUpper(vr.First) && char.IsAsciiLetterUpper(vr.Second))
            {
                // A VR this toolkit does not know: later editions of PS3.5 give new VRs the long form, and the
                // standard asks readers to treat unknown VRs as UN.
                if (end - position < 12)
                {
                    throw Error(position, tag, "the data ends inside an element header");
                }

                return (DicomVR.UN, ReadUInt32(span, position + 8), 12);
            }

            // Not a VR at all: some writers put implicit-VR elements into explicit-VR data sets.
        }

        return (ImplicitVROf(tag), ReadUInt32(span, position + 4), 8);
    }

    private static DicomVR ImplicitVROf(DicomTag tag)
    {
        if (tag.IsPrivate)
        {
            return tag.IsPrivateCreator ? DicomVR.LO : DicomVR.UN;
        }

        return DicomDictionary.Lookup(tag)?.ImplicitVR ?? DicomVR.UN;
    }

    private ReadOnlyMemory<byte> Value(int position, int length, DicomVR vr)
    {
        var value = _data.Slice(position, length);
        if (!BigEndian || vr.UnitSize == 1 || vr == DicomVR.UN)
        {
            return value;
        }

        // Held little endian whatever the source: swap once, here.
        var swapped = value.ToArray();
        var unit = vr == DicomVR.AT ? 2 : vr.UnitSize;
        for (var i = 0; i + unit <= swapped.Length; i += unit)
        {
            Array.Reverse(swapped, i, unit);
        }

        return swapped;
    }

    private DicomTag ReadTag(ReadOnlySpan<byte> span, int position) => BigEndian
        ? new DicomTag(BinaryPrimitives.ReadUInt16BigEndian(span[position..]), BinaryPrimitives.ReadUInt16BigEndian(span[(position + 2)..]))
        : new DicomTag(BinaryPrimitives.ReadUInt16LittleEndian(span[position..]), BinaryPrimitives.ReadUInt16LittleEndian(span[(position + 2)..]));

    private uint ReadUInt32(ReadOnlySpan<byte> span, int position) =>
        BigEndian ? BinaryPrimitives.ReadUInt32BigEndian(span[position..]) : BinaryPrimitives.ReadUInt32LittleEndian(span[position..]);

    private Exception Truncated(int position, DicomTag tag, uint length, int left) => _isPrefix
        ? new NeedMoreDataException()
        : Error(position, tag, string.Create(CultureInfo.InvariantCulture, $"value length {length} exceeds the {left} bytes left"));

    private Exception Error(int position, DicomTag? tag, string reason) => _isPrefix
        ? new NeedMoreDataException()
        : new DicomFormatException(_source, _offsetBase + position, tag, reason);
}

/// <summary>A header-only read ran past the bytes it had read so far; the caller reads more and tries again.</summary>
internal sealed class NeedMoreDataException : Exception
{
    public NeedMoreDataException() : base("more data needed") { }

    public NeedMoreDataException(string message) : base(message) { }

    public NeedMoreDataException(string message, Exception innerException) : base(message, innerException) { }
}
