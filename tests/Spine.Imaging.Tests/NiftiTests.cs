using System.Buffers.Binary;
using Spine.Dicom;

namespace Spine.Imaging.Tests;

public sealed class NiftiTests
{
    private static VolumeGeometry Oblique(bool leftHanded = false)
    {
        // Axial slices tilted 20 degrees about the patient's left-right axis, as a stack angled to a lumbar disc.
        var angle = 20 * Math.PI / 180;
        var column = new Vector3D(0, Math.Cos(angle), Math.Sin(angle));
        var normal = new Vector3D(1, 0, 0).Cross(column);
        return new VolumeGeometry(new Vector3D(-110.2, -95.7, 42.1), new Vector3D(1, 0, 0), column, leftHanded ? normal * -1 : normal, 0.6875, 0.6875, 4.4);
    }

    private static string TempFile(string extension) => Path.Combine(Path.GetTempPath(), $"spine-nifti-{Guid.NewGuid():n}{extension}");

    [Theory]
    [InlineData(".nii", false)]
    [InlineData(".nii.gz", false)]
    [InlineData(".nii.gz", true)]
    public void Written_volume_reads_back_with_the_same_voxels_and_patient_geometry(string extension, bool leftHanded)
    {
        var volume = new Volume<short>(7, 5, 3, Oblique(leftHanded), Enumerable.Range(0, 105).Select(v => (short)(v * 13 - 400)).ToArray());
        var path = TempFile(extension);

        Nifti.Write(path, volume);
        var read = Nifti.Read(path);
        File.Delete(path);

        Assert.Equal((7, 5, 3), (read.SizeI, read.SizeJ, read.SizeK));
        Assert.Equal(volume.Voxels.Select(v => (float)v), read.Voxels);
        foreach (var (i, j, k) in new[] { (0, 0, 0), (6, 0, 0), (0, 4, 0), (6, 4, 2), (3, 2, 1) })
        {
            Assert.True((volume.Geometry.WorldOf(i, j, k) - read.Geometry.WorldOf(i, j, k)).Length < 0.001, $"voxel ({i},{j},{k}) moved");
        }
    }

    [Fact]
    public void Affine_is_stored_in_ras_as_nifti_readers_expect()
    {
        var volume = new Volume<byte>(2, 2, 2, new VolumeGeometry(new Vector3D(10, 20, 30), new Vector3D(1, 0, 0), new Vector3D(0, 1, 0), new Vector3D(0, 0, 1), 0.5, 0.5, 4));
        using var stream = new MemoryStream();

        Nifti.Write(stream, volume);
        var header = stream.ToArray();

        // srow_x and srow_y carry the sign flip of LPS to RAS; srow_z does not.
        float Srow(int row, int column) => BinaryPrimitives.ReadSingleLittleEndian(header.AsSpan(280 + (16 * row) + (4 * column)));
        Assert.Equal([-0.5f, 0, 0, -10], Enumerable.Range(0, 4).Select(c => Srow(0, c)));
        Assert.Equal([0, -0.5f, 0, -20], Enumerable.Range(0, 4).Select(c => Srow(1, c)));
        Assert.Equal([0, 0, 4f, 30], Enumerable.Range(0, 4).Select(c => Srow(2, c)));
        Assert.Equal("n+1\0", System.Text.Encoding.ASCII.GetString(header, 344, 4));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Qform_alone_gives_the_same_geometry_as_sform(bool leftHanded)
    {
        var volume = new Volume<float>(4, 4, 2, Oblique(leftHanded));
        using var stream = new MemoryStream();
        Nifti.Write(stream, volume);
        var bytes = stream.ToArray();
        BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(254), 0); // no sform: readers fall back to the quaternion

        var read = Nifti.Read(bytes);

        // The quaternion is stored in 32-bit floats, so the qform is good to about 1e-4 of the distance from the origin.
        Assert.True((read.Geometry.WorldOf(3, 3, 1) - volume.Geometry.WorldOf(3, 3, 1)).Length < 0.01, $"{read.Geometry} vs {volume.Geometry}");
    }
}
