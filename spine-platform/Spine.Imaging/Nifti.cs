using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using Spine.Dicom;

namespace Spine.Imaging;

/// <summary>
/// NIfTI-1 single-file images (.nii, and .nii.gz compressed), readable by ITK-SNAP, 3D Slicer and nibabel. NIfTI's
/// world is RAS and DICOM's is LPS: the affine written here is diag(-1, -1, 1) times the DICOM geometry, stored both as
/// sform and as qform (code 1, scanner), and reading turns it back into LPS.
/// </summary>
public static class Nifti
{
    private const int HeaderSize = 348;
    private const int DataOffset = 352;

    private enum DataType : short
    {
        UInt8 = 2,
        Int16 = 4,
        Int32 = 8,
        Float32 = 16,
        Float64 = 64,
        UInt16 = 512,
    }

    public static void Write<T>(string path, Volume<T> volume, string description = "")
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.Create(path);
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            Write(gzip, volume, description);
        }
        else
        {
            Write(file, volume, description);
        }
    }

    public static void Write<T>(Stream output, Volume<T> volume, string description = "")
        where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(volume);
        var (type, bits) = TypeOf<T>();
        var header = new byte[DataOffset];
        var h = header.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(h, HeaderSize);
        h[39] = (byte)'r'; // regular
        short[] dim = [3, (short)volume.SizeI, (short)volume.SizeJ, (short)volume.SizeK, 1, 1, 1, 1];
        for (var d = 0; d < 8; d++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(h[(40 + (2 * d))..], dim[d]);
        }

        BinaryPrimitives.WriteInt16LittleEndian(h[70..], (short)type);
        BinaryPrimitives.WriteInt16LittleEndian(h[72..], bits);

        var g = volume.Geometry;
        var rotation = Matrix3.FromColumns(ToRas(g.AxisI), ToRas(g.AxisJ), ToRas(g.AxisK));
        var qfac = rotation.Determinant < 0 ? -1f : 1f;
        float[] pixdim = [qfac, (float)g.SpacingI, (float)g.SpacingJ, (float)g.SpacingK, 1, 1, 1, 1];
        for (var d = 0; d < 8; d++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(h[(76 + (4 * d))..], pixdim[d]);
        }

        BinaryPrimitives.WriteSingleLittleEndian(h[108..], DataOffset);
        BinaryPrimitives.WriteSingleLittleEndian(h[112..], 0); // scl_slope 0: no scaling
        h[123] = 2 | 8; // xyzt_units: millimetres, seconds
        Encoding.ASCII.GetBytes(description.Length > 79 ? description[..79] : description).CopyTo(h[148..]);
        BinaryPrimitives.WriteInt16LittleEndian(h[252..], 1); // qform_code: scanner
        BinaryPrimitives.WriteInt16LittleEndian(h[254..], 1); // sform_code: scanner

        var proper = qfac < 0 ? Matrix3.FromColumns(rotation.Column(0), rotation.Column(1), rotation.Column(2) * -1) : rotation;
        var (b, c, d2) = Quaternion(proper);
        var origin = ToRas(g.Origin);
        float[] q = [(float)b, (float)c, (float)d2, (float)origin.X, (float)origin.Y, (float)origin.Z];
        for (var i = 0; i < 6; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(h[(256 + (4 * i))..], q[i]);
        }

        var columns = new[] { ToRas(g.AxisI) * g.SpacingI, ToRas(g.AxisJ) * g.SpacingJ, ToRas(g.AxisK) * g.SpacingK };
        double[][] rows =
        [
            [columns[0].X, columns[1].X, columns[2].X, origin.X],
            [columns[0].Y, columns[1].Y, columns[2].Y, origin.Y],
            [columns[0].Z, columns[1].Z, columns[2].Z, origin.Z],
        ];
        for (var r = 0; r < 3; r++)
        {
            for (var col = 0; col < 4; col++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(h[(280 + (16 * r) + (4 * col))..], (float)rows[r][col]);
            }
        }

        "n+1\0"u8.CopyTo(h[344..]);
        output.Write(header);
        output.Write(MemoryMarshal.AsBytes(volume.Voxels.AsSpan()));
    }

    /// <summary>Reads a NIfTI-1 file (.nii or .nii.gz) into a volume of floats, whatever its stored type, with LPS geometry.</summary>
    public static Volume<float> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? (Stream)new GZipStream(file, CompressionMode.Decompress) : file;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return Read(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Path.GetFileName(path));
    }

    public static Volume<float> Read(ReadOnlySpan<byte> bytes, string name = "NIfTI")
    {
        if (bytes.Length < HeaderSize || BinaryPrimitives.ReadInt32LittleEndian(bytes) != HeaderSize)
        {
            throw new InvalidDataException($"{name}: not a little-endian NIfTI-1 file (sizeof_hdr is not 348).");
        }

        var header = bytes[..HeaderSize].ToArray();
        var dims = Enumerable.Range(0, 4).Select(d => (int)BinaryPrimitives.ReadInt16LittleEndian(header.AsSpan(40 + (2 * d)))).ToArray();
        var (sizeI, sizeJ, sizeK) = (dims[1], Math.Max(1, dims[0] >= 2 ? dims[2] : 1), Math.Max(1, dims[0] >= 3 ? dims[3] : 1));
        var type = (DataType)BinaryPrimitives.ReadInt16LittleEndian(bytes[70..]);
        var offset = (int)BinaryPrimitives.ReadSingleLittleEndian(bytes[108..]);
        var slope = BinaryPrimitives.ReadSingleLittleEndian(bytes[112..]);
        var intercept = BinaryPrimitives.ReadSingleLittleEndian(bytes[116..]);
        var count = (long)sizeI * sizeJ * sizeK;
        var size = type switch
        {
            DataType.UInt8 => 1,
            DataType.Int16 or DataType.UInt16 => 2,
            DataType.Int32 or DataType.Float32 => 4,
            DataType.Float64 => 8,
            _ => throw new InvalidDataException($"{name}: NIfTI datatype {(short)type} is not supported."),
        };
        if (sizeI <= 0 || offset < HeaderSize || offset + (count * size) > bytes.Length)
        {
            throw new InvalidDataException($"{name}: {sizeI}x{sizeJ}x{sizeK} voxels of {size} bytes from offset {offset} do not fit the {bytes.Length} bytes of the file.");
        }

        var data = bytes[offset..];
        var voxels = new float[count];
        for (var v = 0; v < count; v++)
        {
            var raw = type switch
            {
                DataType.UInt8 => data[v],
                DataType.Int16 => BinaryPrimitives.ReadInt16LittleEndian(data[(2 * v)..]),
                DataType.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * v)..]),
                DataType.Int32 => BinaryPrimitives.ReadInt32LittleEndian(data[(4 * v)..]),
                DataType.Float32 => BinaryPrimitives.ReadSingleLittleEndian(data[(4 * v)..]),
                _ => (float)BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * v)..]),
            };
            voxels[v] = slope is 0 or float.NaN ? raw : (raw * slope) + intercept;
        }

        return new Volume<float>(sizeI, sizeJ, sizeK, GeometryOf(header), voxels);
    }

    private static VolumeGeometry GeometryOf(byte[] h)
    {
        var pixdim = Enumerable.Range(0, 4).Select(d => (double)BinaryPrimitives.ReadSingleLittleEndian(h.AsSpan(76 + (4 * d)))).ToArray();
        var sformCode = BinaryPrimitives.ReadInt16LittleEndian(h.AsSpan(254));
        var qformCode = BinaryPrimitives.ReadInt16LittleEndian(h.AsSpan(252));
        if (sformCode > 0)
        {
            var row = (int r, int c) => (double)BinaryPrimitives.ReadSingleLittleEndian(h.AsSpan(280 + (16 * r) + (4 * c)));
            var columns = Enumerable.Range(0, 3).Select(c => new Vector3D(row(0, c), row(1, c), row(2, c))).ToArray();
            return new VolumeGeometry(
                ToRas(new Vector3D(row(0, 3), row(1, 3), row(2, 3))),
                ToRas(columns[0].Normalized()), ToRas(columns[1].Normalized()), ToRas(columns[2].Normalized()),
                columns[0].Length, columns[1].Length, columns[2].Length);
        }

        if (qformCode > 0)
        {
            var q = Enumerable.Range(0, 6).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(h.AsSpan(256 + (4 * i)))).ToArray();
            var rotation = FromQuaternion(q[0], q[1], q[2]);
            var qfac = pixdim[0] < 0 ? -1 : 1;
            return new VolumeGeometry(
                ToRas(new Vector3D(q[3], q[4], q[5])),
                ToRas(rotation.Column(0)), ToRas(rotation.Column(1)), ToRas(rotation.Column(2) * qfac),
                pixdim[1], pixdim[2], pixdim[3]);
        }

        return new VolumeGeometry(new Vector3D(0, 0, 0), new Vector3D(-1, 0, 0), new Vector3D(0, -1, 0), new Vector3D(0, 0, 1), pixdim[1], pixdim[2], pixdim[3]);
    }

    // RAS and LPS differ by the signs of x and y; the map is its own inverse.
    private static Vector3D ToRas(Vector3D v) => new(-v.X, -v.Y, v.Z);

    /// <summary>The quaternion (b, c, d) of a proper rotation matrix, with a = sqrt(1 - b² - c² - d²) >= 0 (NIfTI-1 qform).</summary>
    private static (double B, double C, double D) Quaternion(Matrix3 r)
    {
        var trace = r.M11 + r.M22 + r.M33 + 1;
        double a, b, c, d;
        if (trace > 0.5)
        {
            a = 0.5 * Math.Sqrt(trace);
            b = 0.25 * (r.M32 - r.M23) / a;
            c = 0.25 * (r.M13 - r.M31) / a;
            d = 0.25 * (r.M21 - r.M12) / a;
        }
        else
        {
            var xd = 1 + r.M11 - (r.M22 + r.M33);
            var yd = 1 + r.M22 - (r.M11 + r.M33);
            var zd = 1 + r.M33 - (r.M11 + r.M22);
            if (xd > 1)
            {
                b = 0.5 * Math.Sqrt(xd);
                c = 0.25 * (r.M12 + r.M21) / b;
                d = 0.25 * (r.M13 + r.M31) / b;
                a = 0.25 * (r.M32 - r.M23) / b;
            }
            else if (yd > 1)
            {
                c = 0.5 * Math.Sqrt(yd);
                b = 0.25 * (r.M12 + r.M21) / c;
                d = 0.25 * (r.M23 + r.M32) / c;
                a = 0.25 * (r.M13 - r.M31) / c;
            }
            else
            {
                d = 0.5 * Math.Sqrt(zd);
                b = 0.25 * (r.M13 + r.M31) / d;
                c = 0.25 * (r.M23 + r.M32) / d;
                a = 0.25 * (r.M21 - r.M12) / d;
            }

            if (a < 0)
            {
                (b, c, d) = (-b, -c, -d);
            }
        }

        return (b, c, d);
    }

    private static Matrix3 FromQuaternion(double b, double c, double d)
    {
        var a = Math.Sqrt(Math.Max(0, 1 - ((b * b) + (c * c) + (d * d))));
        return new Matrix3(
            (a * a) + (b * b) - (c * c) - (d * d), 2 * ((b * c) - (a * d)), 2 * ((b * d) + (a * c)),
            2 * ((b * c) + (a * d)), (a * a) + (c * c) - (b * b) - (d * d), 2 * ((c * d) - (a * b)),
            2 * ((b * d) - (a * c)), 2 * ((c * d) + (a * b)), (a * a) + (d * d) - (c * c) - (b * b));
    }

    private static (DataType Type, short Bits) TypeOf<T>()
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            return (DataType.UInt8, 8);
        }

        if (typeof(T) == typeof(short))
        {
            return (DataType.Int16, 16);
        }

        if (typeof(T) == typeof(ushort))
        {
            return (DataType.UInt16, 16);
        }

        if (typeof(T) == typeof(int))
        {
            return (DataType.Int32, 32);
        }

        if (typeof(T) == typeof(float))
        {
            return (DataType.Float32, 32);
        }

        return typeof(T) == typeof(double) ? (DataType.Float64, (short)64) : throw new NotSupportedException($"NIfTI has no datatype for {typeof(T).Name}.");
    }
}
