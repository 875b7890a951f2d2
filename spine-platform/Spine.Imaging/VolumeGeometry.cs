using Spine.Dicom;

namespace Spine.Imaging;

/// <summary>
/// Where a voxel grid lies in the patient, in DICOM's LPS coordinates (millimetres): the centre of voxel (0,0,0), the
/// unit directions of the i (column), j (row) and k (slice) axes, and the spacing along each.
/// </summary>
public sealed record VolumeGeometry(Vector3D Origin, Vector3D AxisI, Vector3D AxisJ, Vector3D AxisK, double SpacingI, double SpacingJ, double SpacingK)
{
    /// <summary>Patient position (LPS) of the centre of voxel (i, j, k); fractional indices allowed.</summary>
    public Vector3D WorldOf(double i, double j, double k) =>
        Origin + (AxisI * (i * SpacingI)) + (AxisJ * (j * SpacingJ)) + (AxisK * (k * SpacingK));

    /// <summary>The continuous voxel index of a patient position (inverse of <see cref="WorldOf"/>).</summary>
    public (double I, double J, double K) IndexOf(Vector3D world)
    {
        var m = Matrix3.FromColumns(AxisI * SpacingI, AxisJ * SpacingJ, AxisK * SpacingK).Inverse();
        var v = m.Multiply(world - Origin);
        return (v.X, v.Y, v.Z);
    }

    /// <summary>The geometry of a stack of DICOM images with one orientation and even slice spacing.</summary>
    public static VolumeGeometry FromStack(IReadOnlyList<ImagePlane> slices)
    {
        ArgumentNullException.ThrowIfNull(slices);
        if (slices.Count == 0)
        {
            throw new ArgumentException("A stack needs at least one slice.", nameof(slices));
        }

        var first = slices[0];
        var normal = first.Normal;
        var spacing = slices.Count > 1 ? (slices[^1].Position - first.Position).Length / (slices.Count - 1) : first.SliceThickness ?? 1;
        var axisK = slices.Count > 1 ? (slices[^1].Position - first.Position).Normalized() : normal;
        return new VolumeGeometry(first.Position, first.RowDirection, first.ColumnDirection, axisK, first.ColumnSpacing, first.RowSpacing, spacing);
    }

    /// <summary>The image plane of slice k, as DICOM would describe it.</summary>
    public ImagePlane PlaneOf(int k) => new(WorldOf(0, 0, k), AxisI, AxisJ, SpacingJ, SpacingI, SpacingK);
}

/// <summary>A 3x3 matrix, enough for affine geometry.</summary>
public readonly record struct Matrix3(double M11, double M12, double M13, double M21, double M22, double M23, double M31, double M32, double M33)
{
    public static Matrix3 FromColumns(Vector3D a, Vector3D b, Vector3D c) => new(a.X, b.X, c.X, a.Y, b.Y, c.Y, a.Z, b.Z, c.Z);

    public double Determinant => (M11 * ((M22 * M33) - (M23 * M32))) - (M12 * ((M21 * M33) - (M23 * M31))) + (M13 * ((M21 * M32) - (M22 * M31)));

    public Vector3D Multiply(Vector3D v) => new((M11 * v.X) + (M12 * v.Y) + (M13 * v.Z), (M21 * v.X) + (M22 * v.Y) + (M23 * v.Z), (M31 * v.X) + (M32 * v.Y) + (M33 * v.Z));

    public Vector3D Column(int index) => index switch
    {
        0 => new(M11, M21, M31),
        1 => new(M12, M22, M32),
        _ => new(M13, M23, M33),
    };

    public Matrix3 Inverse()
    {
        var det = Determinant;
        if (Math.Abs(det) < 1e-12)
        {
            throw new InvalidOperationException("The voxel axes are degenerate: the geometry has no inverse.");
        }

        var s = 1 / det;
        return new Matrix3(
            ((M22 * M33) - (M23 * M32)) * s, ((M13 * M32) - (M12 * M33)) * s, ((M12 * M23) - (M13 * M22)) * s,
            ((M23 * M31) - (M21 * M33)) * s, ((M11 * M33) - (M13 * M31)) * s, ((M13 * M21) - (M11 * M23)) * s,
            ((M21 * M32) - (M22 * M31)) * s, ((M12 * M31) - (M11 * M32)) * s, ((M11 * M22) - (M12 * M21)) * s);
    }
}
