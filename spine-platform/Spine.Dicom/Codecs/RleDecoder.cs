using System.Buffers.Binary;

namespace Spine.Dicom.Codecs;

/// <summary>RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, one PackBits segment per byte plane, most significant plane first.</summary>
internal sealed class RleDecoder : IFrameDecoder
{
    public void Decode(ReadOnlySpan<byte> compressed, FrameInfo frame, Span<byte> destination)
    {
        if (compressed.Length < 64)
        {
            throw new DicomCodecException($"RLE frame of {compressed.Length} bytes is shorter than its 64-byte header.");
        }

        var segments = BinaryPrimitives.ReadUInt32LittleEndian(compressed);
        var bytesPerSample = frame.BytesPerSample;
        var expected = frame.SamplesPerPixel * bytesPerSample;
        if (segments != expected)
        {
            throw new DicomCodecException($"RLE header declares {segments} segments; {frame.SamplesPerPixel} samples of {bytesPerSample} bytes need {expected}.");
        }

        var pixels = frame.Rows * frame.Columns;
        var plane = new byte[pixels];
        for (var segment = 0; segment < segments; segment++)
        {
            var start = BinaryPrimitives.ReadUInt32LittleEndian(compressed[(4 + 4 * segment)..]);
            var end = segment + 1 < segments ? BinaryPrimitives.ReadUInt32LittleEndian(compressed[(8 + 4 * segment)..]) : (uint)compressed.Length;
            if (start < 64 || start > end || end > compressed.Length)
            {
                throw new DicomCodecException($"RLE segment {segment} spans bytes {start} to {end} of a {compressed.Length}-byte frame.");
            }

            UnpackBits(compressed[(int)start..(int)end], plane, segment);
            var sample = segment / bytesPerSample;
            var byteInSample = bytesPerSample - 1 - segment % bytesPerSample; // Planes come most significant first; output is little endian.
            for (var i = 0; i < pixels; i++)
            {
                var index = frame.PlanarConfiguration == 1
                    ? ((sample * pixels) + i) * bytesPerSample + byteInSample
                    : ((i * frame.SamplesPerPixel) + sample) * bytesPerSample + byteInSample;
                destination[index] = plane[i];
            }
        }
    }

    private static void UnpackBits(ReadOnlySpan<byte> source, Span<byte> plane, int segment)
    {
        var written = 0;
        var i = 0;
        while (i < source.Length && written < plane.Length)
        {
            var control = (sbyte)source[i++];
            if (control >= 0)
            {
                var count = control + 1;
                if (i + count > source.Length || written + count > plane.Length)
                {
                    throw new DicomCodecException($"RLE segment {segment}: a literal run of {count} bytes runs past its segment or the frame.");
                }

                source.Slice(i, count).CopyTo(plane[written..]);
                i += count;
                written += count;
            }
            else if (control != -128)
            {
                var count = 1 - control;
                if (i >= source.Length || written + count > plane.Length)
                {
                    throw new DicomCodecException($"RLE segment {segment}: a replicated run of {count} bytes runs past its segment or the frame.");
                }

                plane.Slice(written, count).Fill(source[i++]);
                written += count;
            }
        }

        if (written != plane.Length)
        {
            throw new DicomCodecException($"RLE segment {segment} decodes to {written} bytes; the frame needs {plane.Length}.");
        }
    }
}
