namespace Spine.Dicom;

public enum PlaneOrientation
{
    Axial,
    Sagittal,
    Coronal,
    Oblique,
}

/// <summary>
/// Where an image lies in the patient (PS3.3 C.7.6.2): position of the first voxel's centre, direction cosines of its
/// rows and columns, and pixel spacing (between rows, between columns).
/// </summary>
public sealed record ImagePlane(Vector3D Position, Vector3D RowDirection, Vector3D ColumnDirection, double RowSpacing, double ColumnSpacing, double? SliceThickness)
{
    /// <summary>A plane whose normal is this far (degrees) from the nearest patient axis or farther is oblique.</summary>
    public const double ObliqueBeyondDegrees = 37;

    /// <summary>Row direction × column direction: points towards increasing slice position for a right-handed stack.</summary>
    public Vector3D Normal => RowDirection.Cross(ColumnDirection).Normalized();

    /// <summary>Position along the normal, which orders slices of a stack.</summary>
    public double DistanceAlongNormal => Position.Dot(Normal);

    /// <summary>Angle in degrees between the normal and the patient axis nearest to it.</summary>
    public double AngleFromNearestAxis
    {
        get
        {
            var n = Normal;
            var largest = Math.Max(Math.Abs(n.X), Math.Max(Math.Abs(n.Y), Math.Abs(n.Z)));
            return Math.Acos(Math.Min(1, largest)) * 180 / Math.PI;
        }
    }

    /// <summary>Axial (normal along the patient's feet-head axis), sagittal (left-right), coronal (front-back) or oblique.</summary>
    public PlaneOrientation Orientation
    {
        get
        {
            if (AngleFromNearestAxis >= ObliqueBeyondDegrees)
            {
                return PlaneOrientation.Oblique;
            }

            var n = Normal;
            var (x, y, z) = (Math.Abs(n.X), Math.Abs(n.Y), Math.Abs(n.Z));
            return z >= x && z >= y ? PlaneOrientation.Axial : x >= y ? PlaneOrientation.Sagittal : PlaneOrientation.Coronal;
        }
    }

    /// <summary>Patient coordinates of the centre of pixel (row, column).</summary>
    public Vector3D WorldPosition(double row, double column) =>
        Position + (RowDirection * (column * ColumnSpacing)) + (ColumnDirection * (row * RowSpacing));

    /// <summary>The plane of a single-frame image, from Image Position/Orientation (Patient) and Pixel Spacing; null when any is absent.</summary>
    public static ImagePlane? From(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return From(dataset.GetNumbers(DicomTags.ImagePositionPatient), dataset.GetNumbers(DicomTags.ImageOrientationPatient),
            dataset.GetNumbers(DicomTags.PixelSpacing), dataset.GetDouble(DicomTags.SliceThickness));
    }

    /// <summary>
    /// The plane of every frame: for multi-frame objects from the per-frame and shared functional groups (Plane
    /// Position, Plane Orientation, Pixel Measures), falling back to the top-level attributes. Null for frames
    /// whose geometry is not recorded.
    /// </summary>
    public static IReadOnlyList<ImagePlane?> FramesOf(DicomDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var frames = Math.Max(1, dataset.GetInt32(DicomTags.NumberOfFrames) ?? 1);
        var perFrame = dataset.GetSequence(DicomTags.PerFrameFunctionalGroupsSequence);
        var shared = dataset.GetSequence(DicomTags.SharedFunctionalGroupsSequence) is { Count: > 0 } s ? s[0] : null;
        if (perFrame.Count == 0 && shared is null)
        {
            var plane = From(dataset);
            return Enumerable.Repeat(plane, frames).ToArray();
        }

        var planes = new ImagePlane?[frames];
        for (var i = 0; i < frames; i++)
        {
            var own = i < perFrame.Count ? perFrame[i] : null;
            IReadOnlyList<double> Find(DicomTag sequence, DicomTag attribute)
            {
                foreach (var group in new[] { own, shared })
                {
                    if (group?.GetSequence(sequence) is { Count: > 0 } items && items[0].GetNumbers(attribute) is { Count: > 0 } values)
                    {
                        return values;
                    }
                }

                return dataset.GetNumbers(attribute);
            }

            var thickness = Find(DicomTags.PixelMeasuresSequence, DicomTags.SliceThickness);
            planes[i] = From(
                Find(DicomTags.PlanePositionSequence, DicomTags.ImagePositionPatient),
                Find(DicomTags.PlaneOrientationSequence, DicomTags.ImageOrientationPatient),
                Find(DicomTags.PixelMeasuresSequence, DicomTags.PixelSpacing),
                thickness.Count > 0 ? thickness[0] : null);
        }

        return planes;
    }

    private static ImagePlane? From(IReadOnlyList<double> position, IReadOnlyList<double> orientation, IReadOnlyList<double> spacing, double? thickness)
    {
        if (position.Count < 3 || orientation.Count < 6 || spacing.Count < 2)
        {
            return null;
        }

        var row = new Vector3D(orientation[0], orientation[1], orientation[2]);
        var column = new Vector3D(orientation[3], orientation[4], orientation[5]);
        if (row.Length < 1e-6 || column.Length < 1e-6)
        {
            return null;
        }

        return new ImagePlane(new Vector3D(position[0], position[1], position[2]), row.Normalized(), column.Normalized(), spacing[0], spacing[1], thickness);
    }
}
