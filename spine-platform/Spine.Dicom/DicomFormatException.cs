using System.Globalization;

namespace Spine.Dicom;

/// <summary>
/// A DICOM file or data set cannot be read or decoded. The message names the file, the byte offset, the tag and the
/// reason, e.g. "MR_truncated.dcm: offset 1234, tag (7FE0,0010): value length 8192 exceeds the 4096 bytes left".
/// </summary>
public sealed class DicomFormatException : Exception
{
    public DicomFormatException(string? source, long? offset, DicomTag? tag, string reason, Exception? innerException = null)
        : base(Describe(source, offset, tag, reason), innerException)
    {
        SourceName = source;
        Offset = offset;
        Tag = tag;
        Reason = reason;
    }

    public DicomFormatException() : this(null, null, null, "invalid DICOM") { }

    public DicomFormatException(string message) : this(null, null, null, message) { }

    public DicomFormatException(string message, Exception innerException) : this(null, null, null, message, innerException) { }

    /// <summary>The file (or other source) that was being read; null when unknown.</summary>
    public string? SourceName { get; }

    /// <summary>Byte offset in the source (in the inflated data set for deflated files) where the problem is.</summary>
    public long? Offset { get; }

    public DicomTag? Tag { get; }

    public string Reason { get; }

    private static string Describe(string? source, long? offset, DicomTag? tag, string reason)
    {
        var where = new List<string>(3);
        if (source is not null)
        {
            where.Add(Path.GetFileName(source));
        }

        if (offset is { } at)
        {
            where.Add(string.Create(CultureInfo.InvariantCulture, $"offset {at}"));
        }

        if (tag is { } t)
        {
            var keyword = DicomDictionary.Lookup(t)?.Keyword;
            where.Add(keyword is null ? $"tag {t}" : $"tag {t} {keyword}");
        }

        return where.Count == 0 ? reason : $"{string.Join(", ", where)}: {reason}";
    }
}
