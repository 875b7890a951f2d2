using System.Buffers.Binary;
using System.IO.Compression;
using Spine.Dicom;

namespace Spine.Imaging.Tests;

public sealed class PngTests
{
    // Bitwise CRC-32, independent of the table the encoder uses.
    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
            }
        }

        return ~crc;
    }

    [Fact]
    public void Png_has_valid_chunks_and_holds_the_pixels()
    {
        var pixels = Enumerable.Range(0, 5 * 3 * 3).Select(v => (byte)(v * 5)).ToArray();

        var png = Png.Encode(5, 3, pixels);

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        var chunks = new Dictionary<string, byte[]>();
        for (var at = 8; at < png.Length;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            var type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var body = png.AsSpan(at + 8, length).ToArray();
            Assert.Equal(Crc32(png.AsSpan(at + 4, 4 + length)), BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at + 8 + length)));
            chunks[type] = body;
            at += 12 + length;
        }

        Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"]));
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"].AsSpan(4)));
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(new MemoryStream(chunks["IDAT"]), CompressionMode.Decompress))
        {
            zlib.CopyTo(inflated);
        }

        var rows = inflated.ToArray();
        Assert.Equal(3 * (1 + 15), rows.Length);
        Assert.Equal(pixels[15..30], rows[17..32]);
        Assert.True(chunks.ContainsKey("IEND"));
    }

    [Fact]
    public void Rendered_slice_draws_label_contours_in_their_colours_over_the_grey_image()
    {
        var geometry = new VolumeGeometry(new Vector3D(0, 0, 0), new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), new Vector3D(0, 0, 1), 1, 1, 1);
        var image = new Volume<float>(10, 10, 1, geometry, Enumerable.Repeat(100f, 100).ToArray());
        var labels = new Volume<byte>(10, 10, 1, geometry);
        for (var j = 3; j < 7; j++)
        {
            for (var i = 3; i < 7; i++)
            {
                labels[i, j, 0] = 3;
            }
        }

        var rgb = new SliceRenderer { WindowLow = 0, WindowHigh = 200 }.Render(image, 0, labels);

        (byte, byte, byte) At(int x, int y) => (rgb[3 * ((y * 10) + x)], rgb[(3 * ((y * 10) + x)) + 1], rgb[(3 * ((y * 10) + x)) + 2]);
        Assert.Equal(ColorMaps.Labels[3], At(3, 3)); // edge of the square
        Assert.Equal((127, 127, 127), At(5, 5)); // inside: the grey image
        Assert.Equal((127, 127, 127), At(0, 0)); // background
    }
}
