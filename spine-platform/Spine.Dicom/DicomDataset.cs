using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Spine.Dicom;

/// <summary>A data set: elements in tag order, with typed accessors. Nested data sets (sequence items) know their parent, for the character set.</summary>
public sealed class DicomDataset : IEnumerable<DicomElement>
{
    private readonly SortedList<uint, DicomElement> _elements = [];
    private DicomCharacterSet? _characterSet;

    public DicomDataset(DicomDataset? parent = null)
    {
        Parent = parent;
    }

    public DicomDataset? Parent { get; }

    public int Count => _elements.Count;

    /// <summary>Byte offset of this data set (of its item tag, for items) in the source; -1 when built in memory.</summary>
    public long Offset { get; init; } = -1;

    /// <summary>Specific Character Set of this data set, or inherited from the enclosing one.</summary>
    public DicomCharacterSet CharacterSet =>
        _characterSet ??= TryGetElement(DicomTags.SpecificCharacterSet, out var element)
            ? new DicomCharacterSet(SplitText(Latin1(element.Value.Span), DicomVR.CS))
            : Parent?.CharacterSet ?? DicomCharacterSet.Default;

    public bool Contains(DicomTag tag) => _elements.ContainsKey(tag.Value);

    public bool TryGetElement(DicomTag tag, out DicomElement element) => _elements.TryGetValue(tag.Value, out element!);

    public DicomElement? GetElement(DicomTag tag) => _elements.GetValueOrDefault(tag.Value);

    /// <summary>Adds or replaces an element.</summary>
    public void Set(DicomElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        _elements[element.Tag.Value] = element;
        if (element.Tag == DicomTags.SpecificCharacterSet)
        {
            _characterSet = null;
        }
    }

    /// <summary>Adds an element unless one with the tag is there; returns whether it was added (readers keep the first of duplicates).</summary>
    internal bool TryAdd(DicomElement element) => _elements.TryAdd(element.Tag.Value, element);

    public bool Remove(DicomTag tag) => _elements.Remove(tag.Value);

    public IEnumerator<DicomElement> GetEnumerator() => _elements.Values.GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    // ---- text ----

    /// <summary>The whole text value, decoded with the character set, without padding; null when absent.</summary>
    public string? GetString(DicomTag tag)
    {
        if (!TryGetElement(tag, out var element) || element.IsSequence || element.IsEncapsulated)
        {
            return null;
        }

        return TrimPadding(DecodeText(element), element.VR);
    }

    /// <summary>The values of a multi-valued text element (split at backslashes), each without padding.</summary>
    public IReadOnlyList<string> GetStrings(DicomTag tag)
    {
        if (!TryGetElement(tag, out var element) || element.IsSequence || element.IsEncapsulated || element.Value.IsEmpty)
        {
            return [];
        }

        return SplitText(DecodeText(element), element.VR);
    }

    private string DecodeText(DicomElement element) =>
        element.VR.UsesCharacterSet ? CharacterSet.Decode(element.Value.Span) : Latin1(element.Value.Span);

    private static string Latin1(ReadOnlySpan<byte> bytes) => System.Text.Encoding.Latin1.GetString(bytes);

    internal static IReadOnlyList<string> SplitText(string text, DicomVR vr) =>
        vr.IsSingleValuedText ? [TrimPadding(text, vr)] : text.Split('\\').Select(value => TrimPadding(value, vr)).ToArray();

    private static string TrimPadding(string value, DicomVR vr) =>
        vr.IsSingleValuedText ? value.TrimEnd(' ', '\0') : value.Trim(' ', '\0');

    // ---- numbers ----

    /// <summary>All numeric values of the element as doubles: binary VRs (US, SS, UL, SL, FL, FD, ...) and DS/IS text.</summary>
    public IReadOnlyList<double> GetNumbers(DicomTag tag)
    {
        if (!TryGetElement(tag, out var element) || element.IsSequence || element.IsEncapsulated)
        {
            return [];
        }

        var vr = element.VR;
        var bytes = element.Value.Span;
        if (vr == DicomVR.DS || vr == DicomVR.IS)
        {
            var values = new List<double>();
            foreach (var text in SplitText(Latin1(bytes), vr))
            {
                if (text.Length == 0)
                {
                    continue;
                }

                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    throw new DicomFormatException(null, element.Offset >= 0 ? element.Offset : null, tag, $"'{text}' is not a valid {vr} value");
                }

                values.Add(number);
            }

            return values;
        }

        return vr.Code switch
        {
            "US" or "OW" => [.. Cast<ushort>(bytes).ToArray().Select(v => (double)v)],
            "SS" => [.. Cast<short>(bytes).ToArray().Select(v => (double)v)],
            "UL" or "OL" => [.. Cast<uint>(bytes).ToArray().Select(v => (double)v)],
            "SL" => [.. Cast<int>(bytes).ToArray().Select(v => (double)v)],
            "FL" or "OF" => [.. Cast<float>(bytes).ToArray().Select(v => (double)v)],
            "FD" or "OD" => [.. Cast<double>(bytes).ToArray()],
            "SV" => [.. Cast<long>(bytes).ToArray().Select(v => (double)v)],
            "UV" or "OV" => [.. Cast<ulong>(bytes).ToArray().Select(v => (double)v)],
            _ => throw new DicomFormatException(null, element.Offset >= 0 ? element.Offset : null, tag, $"a {vr} element has no numeric value"),
        };
    }

    private static ReadOnlySpan<T> Cast<T>(ReadOnlySpan<byte> bytes) where T : struct =>
        MemoryMarshal.Cast<byte, T>(bytes[..(bytes.Length - bytes.Length % Marshal.SizeOf<T>())]);

    public double? GetDouble(DicomTag tag) => GetNumbers(tag) is { Count: > 0 } values ? values[0] : null;

    public int? GetInt32(DicomTag tag) => GetDouble(tag) is { } value ? checked((int)value) : null;

    /// <summary>An unsigned short that must be present (Rows, Columns, Bits Allocated...); names the tag when it is not.</summary>
    public ushort GetRequiredUInt16(DicomTag tag, string? source = null)
    {
        if (!TryGetElement(tag, out var element) || element.Value.Length < 2)
        {
            throw new DicomFormatException(source, null, tag, "required attribute is missing or empty");
        }

        return element.VR == DicomVR.US || element.VR == DicomVR.SS || element.VR == DicomVR.OW || element.VR == DicomVR.UN
            ? BinaryPrimitives.ReadUInt16LittleEndian(element.Value.Span)
            : checked((ushort)GetDouble(tag)!.Value);
    }

    // ---- sequences ----

    public IReadOnlyList<DicomDataset> GetSequence(DicomTag tag) =>
        TryGetElement(tag, out var element) && element.Items is { } items ? items : [];

    // ---- building ----

    public DicomDataset SetString(DicomTag tag, DicomVR vr, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var bytes = vr.UsesCharacterSet ? CharacterSet.Encode(value) : System.Text.Encoding.ASCII.GetBytes(value);
        Set(new DicomElement(tag, vr, Pad(bytes, vr == DicomVR.UI ? (byte)0 : (byte)' ')));
        return this;
    }

    public DicomDataset SetStrings(DicomTag tag, DicomVR vr, params IEnumerable<string> values) => SetString(tag, vr, string.Join('\\', values));

    public DicomDataset SetNumbers(DicomTag tag, DicomVR vr, params IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (vr == DicomVR.DS || vr == DicomVR.IS)
        {
            return SetString(tag, vr, string.Join('\\', values.Select(v => FormatDecimal(v, vr))));
        }

        var list = values.ToList();
        var bytes = new byte[list.Count * vr.UnitSize];
        for (var i = 0; i < list.Count; i++)
        {
            var slot = bytes.AsSpan(i * vr.UnitSize);
            switch (vr.Code)
            {
                case "US": BinaryPrimitives.WriteUInt16LittleEndian(slot, checked((ushort)list[i])); break;
                case "SS": BinaryPrimitives.WriteInt16LittleEndian(slot, checked((short)list[i])); break;
                case "UL": BinaryPrimitives.WriteUInt32LittleEndian(slot, checked((uint)list[i])); break;
                case "SL": BinaryPrimitives.WriteInt32LittleEndian(slot, checked((int)list[i])); break;
                case "FL": BinaryPrimitives.WriteSingleLittleEndian(slot, (float)list[i]); break;
                case "FD": BinaryPrimitives.WriteDoubleLittleEndian(slot, list[i]); break;
                default: throw new ArgumentException($"{vr} is not a numeric VR.", nameof(vr));
            }
        }

        Set(new DicomElement(tag, vr, bytes));
        return this;
    }

    public DicomDataset SetSequence(DicomTag tag, params IReadOnlyList<DicomDataset> items)
    {
        Set(DicomElement.Sequence(tag, items));
        return this;
    }

    public DicomDataset SetBytes(DicomTag tag, DicomVR vr, ReadOnlyMemory<byte> bytes)
    {
        Set(new DicomElement(tag, vr, bytes.Length % 2 == 0 ? bytes : Pad(bytes.ToArray(), 0)));
        return this;
    }

    // DS is at most 16 characters; IS an integer.
    private static string FormatDecimal(double value, DicomVR vr)
    {
        if (vr == DicomVR.IS)
        {
            return checked((long)Math.Round(value)).ToString(CultureInfo.InvariantCulture);
        }

        for (var digits = 15; digits > 0; digits--)
        {
            var text = value.ToString("G" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (text.Length <= 16)
            {
                return text;
            }
        }

        return "0";
    }

    private static byte[] Pad(byte[] bytes, byte padding)
    {
        if (bytes.Length % 2 == 0)
        {
            return bytes;
        }

        var padded = new byte[bytes.Length + 1];
        bytes.CopyTo(padded, 0);
        padded[^1] = padding;
        return padded;
    }
}
