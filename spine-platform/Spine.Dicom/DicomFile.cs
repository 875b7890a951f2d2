using System.Buffers.Binary;
using System.IO.Compression;

namespace Spine.Dicom;

/// <summary>
/// A DICOM file: file meta information (group 0002) and the data set. Reads Part 10 files with or without preamble,
/// bare data sets without meta information, and every transfer syntax's data set encoding (implicit and explicit VR,
/// little and big endian, deflated).
/// </summary>
public sealed class DicomFile
{
    private const int PreambleLength = 128;
    private static readonly byte[] Magic = "DICM"u8.ToArray();

    public DicomFile(DicomDataset fileMetaInformation, DicomDataset dataset, DicomTransferSyntax transferSyntax, string? source = null)
    {
        FileMetaInformation = fileMetaInformation;
        Dataset = dataset;
        TransferSyntax = transferSyntax;
        Source = source;
    }

    public DicomDataset FileMetaInformation { get; }

    public DicomDataset Dataset { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    /// <summary>The path or name the file was read from.</summary>
    public string? Source { get; }

    /// <summary>For header-only reads: offset of the Pixel Data element that was not read.</summary>
    public long? PixelDataOffset { get; private init; }

    /// <summary>Reads the whole file into one buffer; element values are slices of it.</summary>
    public static DicomFile Open(string path, DicomReadOptions? options = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw new DicomFormatException(path, null, null, $"cannot be read: {ex.Message}", ex);
        }

        return Read(bytes, path, options);
    }

    /// <summary>Reads everything before Pixel Data, reading no more of the file than that needs.</summary>
    public static async Task<DicomFile> OpenHeaderAsync(string path, CancellationToken cancellationToken = default)
    {
        var options = new DicomReadOptions { StopBeforePixelData = true };
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous);
        var length = stream.Length;
        var buffer = new byte[(int)Math.Min(length, 64 * 1024)];
        var filled = 0;
        while (true)
        {
            filled += await stream.ReadAtLeastAsync(buffer.AsMemory(filled), buffer.Length - filled, throwOnEndOfStream: false, cancellationToken);
            try
            {
                return Read(buffer.AsMemory(0, filled), path, options, isPrefix: filled < length);
            }
            catch (NeedMoreDataException)
            {
                var grown = new byte[(int)Math.Min(length, Math.Max(buffer.Length * 4L, 64 * 1024))];
                buffer.AsSpan(0, filled).CopyTo(grown);
                buffer = grown;
            }
        }
    }

    public static DicomFile Read(ReadOnlyMemory<byte> bytes, string? source = null, DicomReadOptions? options = null) =>
        Read(bytes, source, options ?? DicomReadOptions.Default, isPrefix: false);

    private static DicomFile Read(ReadOnlyMemory<byte> bytes, string? source, DicomReadOptions options, bool isPrefix)
    {
        var span = bytes.Span;
        int position;
        if (span.Length >= PreambleLength + 4 && span.Slice(PreambleLength, 4).SequenceEqual(Magic))
        {
            position = PreambleLength + 4;
        }
        else if (span.Length >= 4 && span[..4].SequenceEqual(Magic))
        {
            position = 4; // "DICM" without the preamble.
        }
        else
        {
            position = 0;
        }

        var meta = new DicomDataset();
        if (LooksLikeMetaGroup(span, position))
        {
            var metaParser = new DicomParser(bytes, source, options, 0, isPrefix) { ExplicitVR = true };
            position = metaParser.ParseDataset(meta, position, bytes.Length, tag => tag.Group == 0x0002);
        }
        else if (position > 0)
        {
            throw isPrefix ? new NeedMoreDataException() : new DicomFormatException(source, position, null, "the DICM prefix is not followed by file meta information (group 0002)");
        }

        DicomTransferSyntax syntax;
        if (meta.Count > 0)
        {
            var uid = meta.GetString(DicomTags.TransferSyntaxUid);
            if (string.IsNullOrEmpty(uid))
            {
                throw new DicomFormatException(source, null, DicomTags.TransferSyntaxUid, "the file meta information has no Transfer Syntax UID");
            }

            syntax = DicomTransferSyntax.FromUid(uid);
        }
        else
        {
            (syntax, position) = FindBareDataset(span, position)
                ?? throw new DicomFormatException(source, position, null, "not a DICOM file: no DICM prefix, no file meta information, and no recognisable data set");
        }

        var dataset = new DicomDataset();
        long? pixelDataOffset;
        if (syntax.Deflated)
        {
            var inflated = Inflate(bytes[position..], source, position, options);
            var parser = new DicomParser(inflated, source, options) { ExplicitVR = true };
            parser.ParseDataset(dataset, 0, inflated.Length);
            pixelDataOffset = parser.PixelDataOffset;
        }
        else
        {
            var parser = new DicomParser(bytes, source, options, 0, isPrefix) { ExplicitVR = syntax.ExplicitVR, BigEndian = syntax.BigEndian };
            parser.ParseDataset(dataset, position, bytes.Length);
            pixelDataOffset = parser.PixelDataOffset;
        }

        return new DicomFile(meta, dataset, syntax, source) { PixelDataOffset = pixelDataOffset };
    }

    private static bool LooksLikeMetaGroup(ReadOnlySpan<byte> span, int position) =>
        span.Length - position >= 8 && BinaryPrimitives.ReadUInt16LittleEndian(span[position..]) == 0x0002;

    /// <summary>
    /// A data set without meta information: find where its first element starts (tolerating a few stray bytes before
    /// it), and tell explicit from implicit VR and the byte order from that element.
    /// </summary>
    private static (DicomTransferSyntax, int)? FindBareDataset(ReadOnlySpan<byte> span, int position)
    {
        const int straySearch = 16;
        for (var start = position; start <= position + straySearch && span.Length - start >= 8; start++)
        {
            if (BareSyntaxAt(span, start) is { } syntax)
            {
                return (syntax, start);
            }
        }

        return null;
    }

    private static DicomTransferSyntax? BareSyntaxAt(ReadOnlySpan<byte> span, int start)
    {
        var littleGroup = BinaryPrimitives.ReadUInt16LittleEndian(span[start..]);
        var littleElement = BinaryPrimitives.ReadUInt16LittleEndian(span[(start + 2)..]);
        var bigGroup = BinaryPrimitives.ReadUInt16BigEndian(span[start..]);
        var explicitVR = DicomVR.From(span[start + 4], span[start + 5]).IsKnown;
        static bool FirstGroup(ushort group) => group is 0x0008 or 0x0010 or 0x0018 or 0x0020 or 0x0028;
        if (FirstGroup(littleGroup) && littleElement < 0x1000)
        {
            if (explicitVR)
            {
                return DicomTransferSyntax.ExplicitVRLittleEndian;
            }

            // Implicit VR: the next four bytes are a length, which must fit in the file.
            var length = BinaryPrimitives.ReadUInt32LittleEndian(span[(start + 4)..]);
            return length <= span.Length - start - 8 ? DicomTransferSyntax.ImplicitVRLittleEndian : null;
        }

        return FirstGroup(bigGroup) && explicitVR ? DicomTransferSyntax.ExplicitVRBigEndian : null;
    }

    private static ReadOnlyMemory<byte> Inflate(ReadOnlyMemory<byte> compressed, string? source, long offset, DicomReadOptions options)
    {
        using var input = new MemoryStream(compressed.ToArray(), writable: false);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (output.Length + read > options.MaxInflatedBytes)
                {
                    throw new DicomFormatException(source, offset, null, $"the deflated data set inflates to more than {options.MaxInflatedBytes} bytes");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new DicomFormatException(source, offset, null, $"the deflated data set cannot be inflated: {ex.Message}", ex);
        }

        return output.GetBuffer().AsMemory(0, (int)output.Length);
    }

    /// <summary>The file name and transfer syntax, for messages and logs (no patient data).</summary>
    public override string ToString() => $"{(Source is null ? "DICOM data set" : Path.GetFileName(Source))} ({TransferSyntax.Name})";
}
