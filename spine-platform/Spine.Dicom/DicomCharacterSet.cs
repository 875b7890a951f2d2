using System.Text;

namespace Spine.Dicom;

/// <summary>
/// Decodes text values by Specific Character Set (0008,0005), PS3.5 6.1 and PS3.3 C.12.1.1.2: single-byte sets
/// (ISO_IR 6, 100, 101, 109, 110, 126, 127, 138, 144, 148, 166, 203), UTF-8 (ISO_IR 192), GB18030, GBK, and ISO 2022
/// code extensions with escape sequences (ISO 2022 IR 6, IR 100 and the other single-byte sets; Japanese through
/// the iso-2022-jp decoder).
/// </summary>
public sealed class DicomCharacterSet
{
    private const byte Escape = 0x1B;

    static DicomCharacterSet()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    // Defined terms without code extensions, and the G1 set that the ISO 2022 form of each designates.
    private static readonly Dictionary<string, int> SingleByte = new(StringComparer.Ordinal)
    {
        ["ISO_IR 100"] = 28591, ["ISO_IR 101"] = 28592, ["ISO_IR 109"] = 28593, ["ISO_IR 110"] = 28594,
        ["ISO_IR 144"] = 28595, ["ISO_IR 127"] = 28596, ["ISO_IR 126"] = 28597, ["ISO_IR 138"] = 28598,
        ["ISO_IR 148"] = 28599, ["ISO_IR 166"] = 874, ["ISO_IR 203"] = 28605, ["ISO_IR 13"] = 932,
    };

    // Final bytes of "ESC - F" escape sequences that designate a 96-character set to G1.
    private static readonly Dictionary<byte, int> G1Designations = new()
    {
        [0x41] = 28591, [0x42] = 28592, [0x43] = 28593, [0x44] = 28594, [0x4C] = 28595, [0x47] = 28596,
        [0x46] = 28597, [0x48] = 28598, [0x4D] = 28599, [0x54] = 874, [0x62] = 28605,
    };

    private readonly Encoding _whole;
    private readonly Encoding? _initialG1;
    private readonly bool _codeExtensions;
    private readonly bool _japanese;

    public static DicomCharacterSet Default { get; } = new([]);

    public DicomCharacterSet(IReadOnlyList<string> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        Terms = terms;
        var first = terms.Count > 0 ? terms[0].Trim() : string.Empty;
        _codeExtensions = terms.Any(term => term.StartsWith("ISO 2022", StringComparison.Ordinal));
        _japanese = terms.Any(term => term.Trim() is "ISO 2022 IR 87" or "ISO 2022 IR 159" or "ISO 2022 IR 13");
        _whole = first switch
        {
            "" or "ISO_IR 6" or "ISO 2022 IR 6" => Encoding.Latin1, // The default repertoire is ASCII; Latin-1 keeps stray bytes readable.
            "ISO_IR 192" => Encoding.UTF8,
            "GB18030" => Encoding.GetEncoding(54936),
            "GBK" => Encoding.GetEncoding(936),
            _ when SingleByte.TryGetValue(first, out var codePage) => Encoding.GetEncoding(codePage),
            _ when first.StartsWith("ISO 2022 IR ", StringComparison.Ordinal) && SingleByte.TryGetValue("ISO_IR " + first[12..], out var extended) => Encoding.GetEncoding(extended),
            _ => Encoding.Latin1,
        };
        if (_codeExtensions && first.StartsWith("ISO 2022 IR ", StringComparison.Ordinal) && first != "ISO 2022 IR 6")
        {
            _initialG1 = _whole;
        }

        IsKnown = first.Length == 0 || first is "ISO_IR 6" or "ISO 2022 IR 6" or "ISO_IR 192" or "GB18030" or "GBK" || SingleByte.ContainsKey(first)
            || (first.StartsWith("ISO 2022 IR ", StringComparison.Ordinal) && SingleByte.ContainsKey("ISO_IR " + first[12..]));
    }

    public IReadOnlyList<string> Terms { get; }

    /// <summary>False when the first term is not one this decoder knows; text is then decoded as Latin-1.</summary>
    public bool IsKnown { get; }

    public string Decode(ReadOnlySpan<byte> bytes)
    {
        if (!_codeExtensions || bytes.IndexOf(Escape) < 0)
        {
            return _codeExtensions && _initialG1 is null ? Encoding.Latin1.GetString(bytes) : _whole.GetString(bytes);
        }

        if (_japanese)
        {
            return Encoding.GetEncoding(50220).GetString(bytes); // iso-2022-jp understands its own escapes.
        }

        var text = new StringBuilder(bytes.Length);
        var g1 = _initialG1;
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b == Escape && i + 2 < bytes.Length)
            {
                if (bytes[i + 1] == (byte)'-' && G1Designations.TryGetValue(bytes[i + 2], out var codePage))
                {
                    g1 = Encoding.GetEncoding(codePage);
                }

                i += 3; // "ESC ( B" (ASCII to G0) and unknown designations change nothing we decode.
                continue;
            }

            if (b is (byte)'\\' or (byte)'^' or (byte)'=' or 0x0D or 0x0A or 0x09 or 0x0C)
            {
                g1 = _initialG1; // Delimiters reset the designations (PS3.5 6.1.2.5.3).
            }

            var run = i;
            while (run < bytes.Length && bytes[run] != Escape && (bytes[run] < 0x80) == (b < 0x80) && !(bytes[run] is (byte)'\\' or (byte)'^' or (byte)'=' && run > i))
            {
                run++;
            }

            run = Math.Max(run, i + 1);
            var segment = bytes[i..run];
            text.Append(b < 0x80 ? Encoding.ASCII.GetString(segment) : (g1 ?? Encoding.Latin1).GetString(segment));
            i = run;
        }

        return text.ToString();
    }

    public byte[] Encode(string text) => _whole.GetBytes(text);
}
