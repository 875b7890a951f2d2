using System.Runtime.InteropServices;

namespace Spine.Dicom.Codecs;

/// <summary>JPEG-LS (lossless and near-lossless) through the system's CharLS 2 library (Debian package libcharls2), called directly.</summary>
internal sealed unsafe partial class CharLSDecoder : IFrameDecoder
{
    private const string Library = NativeCodecLibraries.CharLS;

    [StructLayout(LayoutKind.Sequential)]
    private struct CharLSFrameInfo
    {
        public uint Width;
        public uint Height;
        public int BitsPerSample;
        public int ComponentCount;
    }

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_create")]
    private static partial nint Create();

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_destroy")]
    private static partial void Destroy(nint decoder);

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_set_source_buffer")]
    private static partial int SetSource(nint decoder, byte* source, nuint size);

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_read_header")]
    private static partial int ReadHeader(nint decoder);

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_get_frame_info")]
    private static partial int GetFrameInfo(nint decoder, CharLSFrameInfo* info);

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_get_interleave_mode")]
    private static partial int GetInterleaveMode(nint decoder, int* mode);

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_get_destination_size")]
    private static partial int GetDestinationSize(nint decoder, uint stride, nuint* size);

    [LibraryImport(Library, EntryPoint = "charls_jpegls_decoder_decode_to_buffer")]
    private static partial int DecodeToBuffer(nint decoder, byte* destination, nuint size, uint stride);

    [LibraryImport(Library, EntryPoint = "charls_get_error_message")]
    private static partial nint ErrorMessage(int error);

    public void Decode(ReadOnlySpan<byte> compressed, FrameInfo frame, Span<byte> destination)
    {
        nint decoder;
        NativeCodecLibraries.EnsureResolver();
        try
        {
            decoder = Create();
        }
        catch (DllNotFoundException ex)
        {
            throw new DicomCodecException(NativeCodecLibraries.NotInstalled("JPEG-LS", Library, NativeCodecLibraries.CharLSVariable, "libcharls2", ex), ex);
        }

        if (decoder == 0)
        {
            throw new DicomCodecException("JPEG-LS decoder could not be created.");
        }

        try
        {
            fixed (byte* source = compressed)
            fixed (byte* target = destination)
            {
                Check(SetSource(decoder, source, (nuint)compressed.Length));
                Check(ReadHeader(decoder));
                CharLSFrameInfo info;
                Check(GetFrameInfo(decoder, &info));
                if (info.Width != frame.Columns || info.Height != frame.Rows || info.ComponentCount != frame.SamplesPerPixel)
                {
                    throw new DicomCodecException($"JPEG-LS frame is {info.Width}x{info.Height}x{info.ComponentCount}; the data set says {frame.Columns}x{frame.Rows}x{frame.SamplesPerPixel}.");
                }

                if (info.BitsPerSample > frame.BitsAllocated)
                {
                    throw new DicomCodecException($"JPEG-LS frame has {info.BitsPerSample} bits per sample; only {frame.BitsAllocated} are allocated.");
                }

                nuint size;
                Check(GetDestinationSize(decoder, 0, &size));
                if (size != (nuint)frame.Length)
                {
                    throw new DicomCodecException($"JPEG-LS frame decodes to {size} bytes; the data set needs {frame.Length}.");
                }

                Check(DecodeToBuffer(decoder, target, size, 0));
                int mode;
                Check(GetInterleaveMode(decoder, &mode));
                if (mode == 0 && frame.SamplesPerPixel > 1 && frame.PlanarConfiguration == 0)
                {
                    Interleave(destination[..(int)size], frame);
                }
            }
        }
        finally
        {
            Destroy(decoder);
        }
    }

    // CharLS writes each component's plane in turn when the stream is not interleaved.
    private static void Interleave(Span<byte> pixels, FrameInfo frame)
    {
        var planar = pixels.ToArray();
        var count = frame.Rows * frame.Columns;
        var bytes = frame.BytesPerSample;
        for (var s = 0; s < frame.SamplesPerPixel; s++)
        {
            for (var i = 0; i < count; i++)
            {
                planar.AsSpan(((s * count) + i) * bytes, bytes).CopyTo(pixels[(((i * frame.SamplesPerPixel) + s) * bytes)..]);
            }
        }
    }

    private static void Check(int error)
    {
        if (error != 0)
        {
            var message = Marshal.PtrToStringUTF8(ErrorMessage(error)) ?? $"error {error}";
            throw new DicomCodecException($"JPEG-LS frame cannot be decoded: {message}.");
        }
    }
}
