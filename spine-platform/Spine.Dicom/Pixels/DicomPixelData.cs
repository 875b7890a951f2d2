using System.Buffers.Binary;
using Spine.Dicom.Codecs;

namespace Spine.Dicom;

/// <summary>
/// The pixel data of an image: its Image Pixel attributes checked against each other and against the bytes that are
/// there, and its frames decoded to stored values (little endian, interleaved unless Planar Configuration is 1).
/// </summary>
public sealed class DicomPixelData
{
    /// <summary>No frame larger than this is decoded: a damaged header must not make the reader allocate without bound.</summary>
    public const long MaxFrameBytes = 256L * 1024 * 1024;

    private readonly DicomElement _element;
    private readonly string? _source;

    private readonly DicomDataset _dataset;

    private DicomPixelData(DicomDataset dataset, DicomElement element, FrameInfo frame, int frames, DicomTransferSyntax syntax, string photometric, string? source)
    {
        _dataset = dataset;
        _element = element;
        Frame = frame;
        FrameCount = frames;
        TransferSyntax = syntax;
        PhotometricInterpretation = photometric;
        _source = source;
    }

    public FrameInfo Frame { get; }

    public int FrameCount { get; }

    public DicomTransferSyntax TransferSyntax { get; }

    public string PhotometricInterpretation { get; }

    public static DicomPixelData From(DicomFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var dataset = file.Dataset;
        var source = file.Source;
        if (!dataset.TryGetElement(DicomTags.PixelData, out var element))
        {
            throw new DicomFormatException(source, null, DicomTags.PixelData, "the data set has no pixel data");
        }

        var rows = dataset.GetRequiredUInt16(DicomTags.Rows, source);
        var columns = dataset.GetRequiredUInt16(DicomTags.Columns, source);
        var bitsAllocated = dataset.GetRequiredUInt16(DicomTags.BitsAllocated, source);
        var samples = dataset.TryGetElement(DicomTags.SamplesPerPixel, out _) ? dataset.GetRequiredUInt16(DicomTags.SamplesPerPixel, source) : (ushort)1;
        var bitsStored = dataset.TryGetElement(DicomTags.BitsStored, out _) ? dataset.GetRequiredUInt16(DicomTags.BitsStored, source) : bitsAllocated;
        var signed = dataset.TryGetElement(DicomTags.PixelRepresentation, out _) && dataset.GetRequiredUInt16(DicomTags.PixelRepresentation, source) == 1;
        var planar = samples > 1 && dataset.TryGetElement(DicomTags.PlanarConfiguration, out _) ? dataset.GetRequiredUInt16(DicomTags.PlanarConfiguration, source) : 0;
        var frames = ReadFrameCount(dataset, source);
        var photometric = dataset.GetString(DicomTags.PhotometricInterpretation) ?? "MONOCHROME2";

        if (rows == 0 || columns == 0)
        {
            throw new DicomFormatException(source, null, rows == 0 ? DicomTags.Rows : DicomTags.Columns, "image has no rows or no columns");
        }

        if (bitsAllocated is not (8 or 16 or 32))
        {
            throw new DicomFormatException(source, null, DicomTags.BitsAllocated, $"Bits Allocated {bitsAllocated} is not supported (8, 16 or 32)");
        }

        if (bitsStored == 0 || bitsStored > bitsAllocated)
        {
            throw new DicomFormatException(source, null, DicomTags.BitsStored, $"Bits Stored {bitsStored} does not fit Bits Allocated {bitsAllocated}");
        }

        if (samples is not (1 or 3 or 4))
        {
            throw new DicomFormatException(source, null, DicomTags.SamplesPerPixel, $"Samples per Pixel {samples} is not 1, 3 or 4");
        }

        var frame = new FrameInfo(rows, columns, samples, bitsAllocated, bitsStored, signed, planar);
        if (frame.Length > MaxFrameBytes)
        {
            throw new DicomFormatException(source, null, DicomTags.Rows, $"a frame of {columns}x{rows}x{samples} at {bitsAllocated} bits ({frame.Length} bytes) is larger than the {MaxFrameBytes}-byte limit");
        }

        var syntax = file.TransferSyntax;
        if (!element.IsEncapsulated && frame.Length * frames > element.Value.Length)
        {
            throw new DicomFormatException(source, element.Offset, DicomTags.PixelData,
                $"{frames} frame(s) of {frame.Length} bytes need {frame.Length * frames} bytes; the pixel data holds {element.Value.Length}");
        }

        return new DicomPixelData(dataset, element, frame, frames, element.IsEncapsulated ? syntax : NativeSyntaxOf(syntax), photometric, source);
    }

    private static DicomTransferSyntax NativeSyntaxOf(DicomTransferSyntax syntax) =>
        syntax.Encapsulated ? DicomTransferSyntax.ExplicitVRLittleEndian : syntax;

    private static int ReadFrameCount(DicomDataset dataset, string? source)
    {
        try
        {
            var frames = dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1;
            return frames >= 1 ? frames : throw new DicomFormatException(source, null, DicomTags.NumberOfFrames, $"Number of Frames is {frames}");
        }
        catch (OverflowException ex)
        {
            throw new DicomFormatException(source, null, DicomTags.NumberOfFrames, "Number of Frames is out of range", ex);
        }
    }

    /// <summary>Decodes one frame into a new array of <see cref="FrameInfo.Length"/> bytes.</summary>
    public byte[] DecodeFrame(int index)
    {
        var frame = new byte[Frame.Length];
        DecodeFrame(index, frame);
        return frame;
    }

    public void DecodeFrame(int index, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, FrameCount);
        if (destination.Length < Frame.Length)
        {
            throw new ArgumentException($"The destination holds {destination.Length} bytes; a frame needs {Frame.Length}.", nameof(destination));
        }

        if (!_element.IsEncapsulated)
        {
            _element.Value.Span.Slice((int)(index * Frame.Length), (int)Frame.Length).CopyTo(destination);
            return;
        }

        var decoder = FrameDecoders.For(TransferSyntax)
            ?? throw new DicomCodecException($"{Describe(index)}: no decoder for {TransferSyntax}.");
        try
        {
            decoder.Decode(CompressedFrame(index).Span, Frame, destination);
        }
        catch (DicomCodecException ex)
        {
            throw new DicomCodecException($"{Describe(index)}: {ex.Message}", ex);
        }
    }

    /// <summary>Stored values of one frame as integers: sign-extended from Bits Stored for signed data, masked for unsigned.</summary>
    public int[] GetStoredValues(int index)
    {
        var bytes = DecodeFrame(index);
        var count = (int)(Frame.Length / Frame.BytesPerSample);
        var values = new int[count];
        var shift = 32 - Frame.BitsStored;
        for (var i = 0; i < count; i++)
        {
            var raw = Frame.BytesPerSample switch
            {
                1 => bytes[i],
                2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(i * 2)),
                _ => (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4)),
            };
            values[i] = Frame.Signed ? (raw << shift) >> shift : (int)((uint)(raw << shift) >> shift);
        }

        return values;
    }

    /// <summary>
    /// Rescale Slope and Intercept of a frame (PS3.3 C.7.6.16.2.9 / C.11.1): from the frame's Pixel Value
    /// Transformation functional group, else the shared one, else the top-level attributes; (1, 0) when none is given.
    /// </summary>
    public (double Slope, double Intercept) Rescale(int index)
    {
        var perFrame = _dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = _dataset.GetSequence(DicomTags.SharedFunctionalGroupsSequence);
        foreach (var group in new[] { index < perFrame.Count ? perFrame[index] : null, shared.Count > 0 ? shared[0] : null })
        {
            if (group?.GetSequence(DicomTags.PixelValueTransformationSequence) is { Count: > 0 } transformation)
            {
                return (transformation[0].GetDouble(DicomTags.RescaleSlope) ?? 1, transformation[0].GetDouble(DicomTags.RescaleIntercept) ?? 0);
            }
        }

        return (_dataset.GetDouble(DicomTags.RescaleSlope) ?? 1, _dataset.GetDouble(DicomTags.RescaleIntercept) ?? 0);
    }

    /// <summary>Modality values of a frame: stored values times the rescale slope plus the intercept.</summary>
    public float[] GetModalityValues(int index)
    {
        var (slope, intercept) = Rescale(index);
        var stored = GetStoredValues(index);
        var values = new float[stored.Length];
        for (var i = 0; i < stored.Length; i++)
        {
            values[i] = (float)((stored[i] * slope) + intercept);
        }

        return values;
    }

    /// <summary>The compressed bytes of one frame, from the fragments and the basic offset table.</summary>
    public ReadOnlyMemory<byte> CompressedFrame(int index)
    {
        var items = _element.Fragments ?? throw new InvalidOperationException("Native pixel data has no compressed frames.");
        var offsetTable = items[0];
        var fragments = items.Count - 1;
        if (fragments == 0)
        {
            throw new DicomFormatException(_source, _element.Offset, DicomTags.PixelData, "encapsulated pixel data has no fragments");
        }

        if (FrameCount == 1)
        {
            return fragments == 1 ? items[1] : Concatenate(items.Skip(1));
        }

        if (fragments == FrameCount)
        {
            return items[index + 1];
        }

        if (offsetTable.Length >= 4 * FrameCount)
        {
            return FromOffsetTable(items, offsetTable.Span, index);
        }

        throw new DicomFormatException(_source, _element.Offset, DicomTags.PixelData,
            $"{fragments} fragments cannot be mapped to {FrameCount} frames without a basic offset table");
    }

    private ReadOnlyMemory<byte> FromOffsetTable(IReadOnlyList<ReadOnlyMemory<byte>> items, ReadOnlySpan<byte> table, int index)
    {
        var start = BinaryPrimitives.ReadUInt32LittleEndian(table[(4 * index)..]);
        var end = index + 1 < FrameCount ? BinaryPrimitives.ReadUInt32LittleEndian(table[(4 * (index + 1))..]) : uint.MaxValue;
        var parts = new List<ReadOnlyMemory<byte>>();
        long position = 0; // Offsets count from the first fragment's item tag: 8 bytes of header per fragment.
        for (var i = 1; i < items.Count; i++)
        {
            if (position >= start && position < end)
            {
                parts.Add(items[i]);
            }

            position += 8 + items[i].Length;
        }

        return parts.Count switch
        {
            0 => throw new DicomFormatException(_source, _element.Offset, DicomTags.PixelData, $"the basic offset table points frame {index} at offset {start}, where no fragment starts"),
            1 => parts[0],
            _ => Concatenate(parts),
        };
    }

    private static ReadOnlyMemory<byte> Concatenate(IEnumerable<ReadOnlyMemory<byte>> parts)
    {
        var list = parts.ToList();
        var whole = new byte[list.Sum(p => (long)p.Length)];
        var at = 0;
        foreach (var part in list)
        {
            part.Span.CopyTo(whole.AsSpan(at));
            at += part.Length;
        }

        return whole;
    }

    private string Describe(int index) => $"{(_source is null ? "pixel data" : Path.GetFileName(_source))}, frame {index}";
}
