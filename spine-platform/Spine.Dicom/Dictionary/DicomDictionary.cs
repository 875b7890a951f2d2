using System.Globalization;

namespace Spine.Dicom;

/// <summary>One entry of the data dictionary (PS3.6 and PS3.7).</summary>
/// <param name="VRs">Usually one; two or three where the standard allows alternatives (US or SS).</param>
public sealed record DicomDictionaryEntry(string Pattern, IReadOnlyList<DicomVR> VRs, string VM, string Keyword, bool Retired)
{
    /// <summary>The VR an implicit-VR reader assumes: the first, or OW for OB/OW (PS3.5 A.1: implicit VR pixel data is OW).</summary>
    public DicomVR ImplicitVR => VRs.Count == 0 ? DicomVR.UN : VRs.Contains(DicomVR.OW) ? DicomVR.OW : VRs[0];
}

/// <summary>
/// The data dictionary of the standard: every public tag with its VR, VM and keyword, including repeating groups
/// (60xx). Generated from PS3.6/PS3.7 by <c>Dictionary/generate-dictionary.py</c> and embedded as a resource.
/// </summary>
public static class DicomDictionary
{
    private static readonly Lazy<Tables> Loaded = new(Load);

    /// <summary>The entry for a tag, or null for private and unknown tags.</summary>
    public static DicomDictionaryEntry? Lookup(DicomTag tag)
    {
        var tables = Loaded.Value;
        if (tables.Exact.TryGetValue(tag.Value, out var entry))
        {
            return entry;
        }

        foreach (var (mask, value, masked) in tables.Repeating)
        {
            if ((tag.Value & mask) == value)
            {
                return masked;
            }
        }

        if (tag.Element == 0x0000)
        {
            return tables.GroupLength; // (gggg,0000) is the group length of every group.
        }

        if (tag.IsPrivateCreator)
        {
            return tables.PrivateCreator;
        }

        return null;
    }

    public static DicomTag? TagOf(string keyword) =>
        Loaded.Value.ByKeyword.TryGetValue(keyword, out var value) ? DicomTag.FromValue(value) : null;

    public static int Count => Loaded.Value.Exact.Count + Loaded.Value.Repeating.Count;

    private sealed record Tables(
        Dictionary<uint, DicomDictionaryEntry> Exact,
        List<(uint Mask, uint Value, DicomDictionaryEntry Entry)> Repeating,
        Dictionary<string, uint> ByKeyword,
        DicomDictionaryEntry GroupLength,
        DicomDictionaryEntry PrivateCreator);

    private static Tables Load()
    {
        using var stream = typeof(DicomDictionary).Assembly.GetManifestResourceStream("Spine.Dicom.dictionary.tsv")
            ?? throw new InvalidOperationException("The embedded DICOM dictionary is missing from Spine.Dicom.");
        using var reader = new StreamReader(stream);
        var exact = new Dictionary<uint, DicomDictionaryEntry>();
        var repeating = new List<(uint, uint, DicomDictionaryEntry)>();
        var byKeyword = new Dictionary<string, uint>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var fields = line.Split('\t');
            var pattern = fields[0];
            var vrs = fields[1] == "NONE" ? [] : fields[1].Split('/').Select(DicomVR.Parse).ToArray();
            var entry = new DicomDictionaryEntry(pattern, vrs, fields[2], fields[3], fields[4] == "1");
            if (pattern.Contains('x', StringComparison.Ordinal))
            {
                var mask = uint.Parse(string.Concat(pattern.Select(c => c == 'x' ? '0' : 'F')), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                var value = uint.Parse(pattern.Replace('x', '0'), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                repeating.Add((mask, value, entry));
            }
            else
            {
                var value = uint.Parse(pattern, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                exact[value] = entry;
                byKeyword.TryAdd(entry.Keyword, value);
            }
        }

        return new Tables(
            exact,
            repeating,
            byKeyword,
            new DicomDictionaryEntry("xxxx0000", [DicomVR.UL], "1", "GroupLength", false),
            new DicomDictionaryEntry("gggg00xx", [DicomVR.LO], "1", "PrivateCreator", false));
    }
}
