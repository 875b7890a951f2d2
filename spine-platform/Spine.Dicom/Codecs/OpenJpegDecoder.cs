using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Spine.Dicom.Codecs;

/// <summary>JPEG 2000 (Part 1, lossless and lossy) through the system's OpenJPEG 2 library (Debian package libopenjp2-7), called directly.</summary>
internal sealed unsafe partial class OpenJpegDecoder : IFrameDecoder
{
    private const string Library = NativeCodecLibraries.OpenJpeg;
    private const int CodecJ2K = 0;
    private const int CodecJP2 = 2;

    // opj_dparameters_t is large and its layout is private to OpenJPEG; it is only ever passed back to the library,
    // so a zeroed block bigger than any version's struct is enough.
    private const int ParametersSize = 64 * 1024;

    [StructLayout(LayoutKind.Sequential)]
    private struct OpjImage
    {
        public uint X0, Y0, X1, Y1, NumComps;
        public int ColorSpace;
        public OpjImageComp* Comps;
        public byte* IccProfile;
        public uint IccProfileLength;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OpjImageComp
    {
        public uint Dx, Dy, W, H, X0, Y0, Prec, Bpp, Sgnd, ResnoDecoded, Factor;
        public int* Data;
        public ushort Alpha;
    }

    private sealed class Source(byte[] data)
    {
        public byte[] Data { get; } = data;

        public long Position { get; set; }
    }

    [LibraryImport(Library, EntryPoint = "opj_create_decompress")]
    private static partial nint CreateDecompress(int format);

    [LibraryImport(Library, EntryPoint = "opj_set_default_decoder_parameters")]
    private static partial void SetDefaultParameters(byte* parameters);

    [LibraryImport(Library, EntryPoint = "opj_setup_decoder")]
    private static partial int SetupDecoder(nint codec, byte* parameters);

    [LibraryImport(Library, EntryPoint = "opj_set_error_handler")]
    private static partial int SetErrorHandler(nint codec, delegate* unmanaged<byte*, void*, void> handler, void* userData);

    [LibraryImport(Library, EntryPoint = "opj_stream_create")]
    private static partial nint StreamCreate(nuint bufferSize, int isInput);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_read_function")]
    private static partial void SetRead(nint stream, delegate* unmanaged<void*, nuint, void*, nuint> read);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_skip_function")]
    private static partial void SetSkip(nint stream, delegate* unmanaged<long, void*, long> skip);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_seek_function")]
    private static partial void SetSeek(nint stream, delegate* unmanaged<long, void*, int> seek);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_user_data")]
    private static partial void SetUserData(nint stream, void* data, void* free);

    [LibraryImport(Library, EntryPoint = "opj_stream_set_user_data_length")]
    private static partial void SetUserDataLength(nint stream, ulong length);

    [LibraryImport(Library, EntryPoint = "opj_read_header")]
    private static partial int ReadHeader(nint stream, nint codec, OpjImage** image);

    [LibraryImport(Library, EntryPoint = "opj_decode")]
    private static partial int DecodeImage(nint codec, nint stream, OpjImage* image);

    [LibraryImport(Library, EntryPoint = "opj_end_decompress")]
    private static partial int EndDecompress(nint codec, nint stream);

    [LibraryImport(Library, EntryPoint = "opj_image_destroy")]
    private static partial void ImageDestroy(OpjImage* image);

    [LibraryImport(Library, EntryPoint = "opj_stream_destroy")]
    private static partial void StreamDestroy(nint stream);

    [LibraryImport(Library, EntryPoint = "opj_destroy_codec")]
    private static partial void DestroyCodec(nint codec);

    public void Decode(ReadOnlySpan<byte> compressed, FrameInfo frame, Span<byte> destination)
    {
        // A JP2 file starts with a signature box; a bare codestream with SOC (FF4F).
        var format = compressed.Length >= 12 && BinaryPrimitives.ReadUInt32BigEndian(compressed[4..]) == 0x6A502020 ? CodecJP2 : CodecJ2K;
        nint codec;
        NativeCodecLibraries.EnsureResolver();
        try
        {
            codec = CreateDecompress(format);
        }
        catch (DllNotFoundException ex)
        {
            throw new DicomCodecException(NativeCodecLibraries.NotInstalled("JPEG 2000", Library, NativeCodecLibraries.OpenJpegVariable, "libopenjp2-7", ex), ex);
        }

        var source = new Source(compressed.ToArray());
        var handle = GCHandle.Alloc(source);
        var errors = new ErrorSink();
        var errorHandle = GCHandle.Alloc(errors);
        var parameters = (byte*)NativeMemory.AllocZeroed(ParametersSize);
        var stream = nint.Zero;
        OpjImage* image = null;
        try
        {
            SetErrorHandler(codec, &OnError, (void*)GCHandle.ToIntPtr(errorHandle));
            SetDefaultParameters(parameters);
            Require(SetupDecoder(codec, parameters), "the decoder could not be set up", errors);
            stream = StreamCreate(1 << 16, 1);
            SetRead(stream, &Read);
            SetSkip(stream, &Skip);
            SetSeek(stream, &Seek);
            SetUserData(stream, (void*)GCHandle.ToIntPtr(handle), null);
            SetUserDataLength(stream, (ulong)source.Data.Length);
            Require(ReadHeader(stream, codec, &image), "its header cannot be read", errors);
            CheckHeader(image, frame); // Before decoding: a damaged header must not make the library allocate a huge image.
            Require(DecodeImage(codec, stream, image), "its code-stream cannot be decoded", errors);
            Require(EndDecompress(codec, stream), "its code-stream does not end properly", errors);
            Copy(image, frame, destination);
        }
        finally
        {
            if (image is not null)
            {
                ImageDestroy(image);
            }

            if (stream != 0)
            {
                StreamDestroy(stream);
            }

            DestroyCodec(codec);
            NativeMemory.Free(parameters);
            handle.Free();
            errorHandle.Free();
        }
    }

    private static void CheckHeader(OpjImage* image, FrameInfo frame)
    {
        if (image->X1 - image->X0 != frame.Columns || image->Y1 - image->Y0 != frame.Rows || image->NumComps != frame.SamplesPerPixel)
        {
            throw new DicomCodecException($"JPEG 2000 frame is {image->X1 - image->X0}x{image->Y1 - image->Y0}x{image->NumComps}; the data set says {frame.Columns}x{frame.Rows}x{frame.SamplesPerPixel}.");
        }
    }

    private static void Copy(OpjImage* image, FrameInfo frame, Span<byte> destination)
    {
        if (image->NumComps != frame.SamplesPerPixel)
        {
            throw new DicomCodecException($"JPEG 2000 frame has {image->NumComps} components; the data set says {frame.SamplesPerPixel}.");
        }

        var pixels = frame.Rows * frame.Columns;
        for (var c = 0; c < frame.SamplesPerPixel; c++)
        {
            var component = image->Comps[c];
            if (component.W != frame.Columns || component.H != frame.Rows || component.Data is null)
            {
                throw new DicomCodecException($"JPEG 2000 component {c} is {component.W}x{component.H}; the data set says {frame.Columns}x{frame.Rows}.");
            }

            if (component.Prec > frame.BitsAllocated)
            {
                throw new DicomCodecException($"JPEG 2000 component {c} has {component.Prec} bits; only {frame.BitsAllocated} are allocated.");
            }

            for (var i = 0; i < pixels; i++)
            {
                var value = component.Data[i];
                var index = frame.PlanarConfiguration == 1 ? (c * pixels) + i : (i * frame.SamplesPerPixel) + c;
                if (frame.BytesPerSample == 1)
                {
                    destination[index] = (byte)value;
                }
                else
                {
                    BinaryPrimitives.WriteUInt16LittleEndian(destination[(index * 2)..], (ushort)value);
                }
            }
        }
    }

    private static void Require(int ok, string what, ErrorSink errors)
    {
        if (ok == 0)
        {
            throw new DicomCodecException($"JPEG 2000 frame cannot be decoded: {what}{(errors.Message is { } m ? $" ({m.Trim()})" : "")}.");
        }
    }

    private sealed class ErrorSink
    {
        public string? Message { get; set; }
    }

    [UnmanagedCallersOnly]
    private static void OnError(byte* message, void* userData)
    {
        var sink = (ErrorSink)GCHandle.FromIntPtr((nint)userData).Target!;
        sink.Message ??= Marshal.PtrToStringUTF8((nint)message);
    }

    [UnmanagedCallersOnly]
    private static nuint Read(void* buffer, nuint count, void* userData)
    {
        var source = (Source)GCHandle.FromIntPtr((nint)userData).Target!;
        var left = source.Data.Length - source.Position;
        if (left <= 0)
        {
            return unchecked((nuint)(-1));
        }

        var n = (int)Math.Min((long)count, left);
        source.Data.AsSpan((int)source.Position, n).CopyTo(new Span<byte>(buffer, n));
        source.Position += n;
        return (nuint)n;
    }

    [UnmanagedCallersOnly]
    private static long Skip(long count, void* userData)
    {
        var source = (Source)GCHandle.FromIntPtr((nint)userData).Target!;
        var target = Math.Clamp(source.Position + count, 0, source.Data.Length);
        var skipped = target - source.Position;
        source.Position = target;
        return skipped;
    }

    [UnmanagedCallersOnly]
    private static int Seek(long position, void* userData)
    {
        var source = (Source)GCHandle.FromIntPtr((nint)userData).Target!;
        if (position < 0 || position > source.Data.Length)
        {
            return 0;
        }

        source.Position = position;
        return 1;
    }
}
