using System.Buffers.Binary;
using System.IO.Compression;

namespace Spine.Imaging;

/// <summary>Writes 8-bit RGB (or grey) PNG images: signature, IHDR, one zlib-compressed IDAT, IEND; reads 8-bit RGB ones back.</summary>
public static class Png
{
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Encode(int width, int height, ReadOnlySpan<byte> pixels, int channels = 3)
    {
        if (channels is not (1 or 3 or 4) || pixels.Length != width * height * channels)
        {
            throw new ArgumentException($"{pixels.Length} bytes given for a {width}x{height} image of {channels} channels.", nameof(pixels));
        }

        using var output = new MemoryStream();
        output.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = channels switch { 1 => 0, 3 => 2, _ => 6 }; // grey, RGB, RGBA
        WriteChunk(output, "IHDR", header);

        using var raw = new MemoryStream();
        using (var zlib = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var stride = width * channels;
            for (var y = 0; y < height; y++)
            {
                zlib.WriteByte(0); // filter: none
                zlib.Write(pixels.Slice(y * stride, stride));
            }
        }

        WriteChunk(output, "IDAT", raw.ToArray());
        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>
    /// Width, height and RGB bytes (rows top to bottom) of an 8-bit RGB or RGBA (alpha dropped: screenshots), non-interlaced
    /// PNG, any of the five row filters.
    /// </summary>
    public static (int Width, int Height, byte[] Rgb) DecodeRgb(ReadOnlySpan<byte> png)
    {
        var (width, height, channels, pixels) = Decode(png);
        if (channels == 4)
        {
            var rgb = new byte[width * height * 3];
            for (var p = 0; p < width * height; p++)
            {
                (rgb[3 * p], rgb[(3 * p) + 1], rgb[(3 * p) + 2]) = (pixels[4 * p], pixels[(4 * p) + 1], pixels[(4 * p) + 2]);
            }

            return (width, height, rgb);
        }

        return channels == 3 ? (width, height, pixels) : throw new InvalidDataException($"PNG of {channels} channel(s): an RGB image is needed.");
    }

    /// <summary>
    /// Width, height, channels (1: grey, 3: RGB, 4: RGBA) and pixel bytes (rows top to bottom) of an 8-bit greyscale, RGB
    /// or RGBA, non-interlaced PNG, any of the five row filters: what label images, the platform's own pictures and
    /// browser screenshots are.
    /// </summary>
    public static (int Width, int Height, int Channels, byte[] Pixels) Decode(ReadOnlySpan<byte> png)
    {
        if (png.Length < 33 || !png[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            throw new InvalidDataException("not a PNG image (signature).");
        }

        int width = 0, height = 0, channels = 0;
        using var compressed = new MemoryStream();
        for (var offset = 8; offset + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png[offset..]);
            if (length < 0 || offset + 12 + length > png.Length)
            {
                throw new InvalidDataException($"PNG chunk at offset {offset} runs past the end.");
            }

            var type = System.Text.Encoding.ASCII.GetString(png.Slice(offset + 4, 4));
            var data = png.Slice(offset + 8, length);
            if (type == "IHDR")
            {
                (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                channels = data[9] switch { 0 => 1, 2 => 3, 6 => 4, _ => 0 };
                if (data[8] != 8 || channels == 0 || data[12] != 0)
                {
                    throw new InvalidDataException($"PNG of bit depth {data[8]}, colour type {data[9]}, interlace {data[12]}: only 8-bit greyscale, RGB or RGBA, not interlaced, is read.");
                }
            }
            else if (type == "IDAT")
            {
                compressed.Write(data);
            }

            offset += 12 + length;
        }

        compressed.Position = 0;
        using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
        var stride = width * channels;
        var pixels = new byte[stride * height];
        var row = new byte[stride + 1];
        for (var y = 0; y < height; y++)
        {
            zlib.ReadExactly(row);
            Unfilter(row[0], row.AsSpan(1), y > 0 ? pixels.AsSpan((y - 1) * stride, stride) : new byte[stride], channels);
            row.AsSpan(1).CopyTo(pixels.AsSpan(y * stride));
        }

        return (width, height, channels, pixels);
    }

    // PNG row filters (PNG spec section 9); bpp: bytes per pixel.
    private static void Unfilter(byte filter, Span<byte> line, ReadOnlySpan<byte> previous, int bpp)
    {
        for (var i = 0; i < line.Length; i++)
        {
            int left = i >= bpp ? line[i - bpp] : 0, up = previous[i], upLeft = i >= bpp ? previous[i - bpp] : 0;
            line[i] += filter switch
            {
                0 => 0,
                1 => (byte)left,
                2 => (byte)up,
                3 => (byte)((left + up) / 2),
                4 => (byte)Paeth(left, up, upLeft),
                _ => throw new InvalidDataException($"PNG row filter {filter} is not one of 0 to 4."),
            };
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        var (pa, pb, pc) = (Math.Abs(p - a), Math.Abs(p - b), Math.Abs(p - c));
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        output.Write(length);
        var typeBytes = System.Text.Encoding.ASCII.GetBytes(type);
        output.Write(typeBytes);
        output.Write(data);
        var crc = Crc(Crc(0xFFFFFFFF, typeBytes), data) ^ 0xFFFFFFFF;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        output.Write(crcBytes);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
