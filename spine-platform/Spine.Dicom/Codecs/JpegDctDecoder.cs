using System.Buffers.Binary;
using JpegLibrary;

namespace Spine.Dicom.Codecs;

/// <summary>
/// JPEG baseline (process 1, 8 bits) and extended (processes 2 and 4, up to 12 bits), the DCT-based lossy syntaxes
/// .50 and .51, through the JpegLibrary package. Components come out as coded (YBR stays YBR, as Photometric
/// Interpretation says), interleaved unless Planar Configuration is 1.
/// </summary>
internal sealed class JpegDctDecoder : IFrameDecoder
{
    public void Decode(ReadOnlySpan<byte> compressed, FrameInfo frame, Span<byte> destination)
    {
        var decoder = new JpegDecoder();
        var copy = compressed.ToArray();
        decoder.SetInput(copy);
        try
        {
            decoder.Identify();
            if (decoder.Width != frame.Columns || decoder.Height != frame.Rows || decoder.NumberOfComponents != frame.SamplesPerPixel)
            {
                throw new DicomCodecException($"JPEG frame is {decoder.Width}x{decoder.Height}x{decoder.NumberOfComponents}; the data set says {frame.Columns}x{frame.Rows}x{frame.SamplesPerPixel}.");
            }

            if (decoder.Precision > frame.BitsAllocated)
            {
                throw new DicomCodecException($"JPEG frame has {decoder.Precision}-bit precision; only {frame.BitsAllocated} bits are allocated.");
            }

            var output = new byte[frame.Length];
            decoder.SetOutputWriter(new FrameWriter(output, frame, decoder.Precision));
            decoder.Decode();
            output.CopyTo(destination);
        }
        // Whatever the library throws on a damaged stream means the same thing to the caller: this frame cannot be decoded.
        catch (Exception ex) when (ex is not DicomCodecException and not OutOfMemoryException)
        {
            throw new DicomCodecException($"JPEG frame cannot be decoded: {ex.Message}", ex);
        }
    }

    /// <summary>Receives 8x8 blocks of samples (level shift undone) and stores them, clamped to the precision.</summary>
    private sealed class FrameWriter(byte[] output, FrameInfo frame, int precision) : JpegBlockOutputWriter
    {
        private readonly int _max = (1 << precision) - 1;

        public override void WriteBlock(ref short blockRef, int componentIndex, int x, int y)
        {
            var block = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(ref blockRef, 64);
            var width = frame.Columns;
            var height = frame.Rows;
            var samples = frame.SamplesPerPixel;
            for (var row = 0; row < 8 && y + row < height; row++)
            {
                for (var column = 0; column < 8 && x + column < width; column++)
                {
                    var value = Math.Clamp((int)block[(row * 8) + column], 0, _max);
                    var pixel = ((y + row) * width) + x + column;
                    var index = frame.PlanarConfiguration == 1 && samples > 1 ? (componentIndex * width * height) + pixel : (pixel * samples) + componentIndex;
                    if (frame.BytesPerSample == 1)
                    {
                        output[index] = (byte)value;
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt16LittleEndian(output.AsSpan(index * 2), (ushort)value);
                    }
                }
            }
        }
    }
}
