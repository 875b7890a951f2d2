namespace Spine.Analysis.Anatomy;

/// <summary>
/// The level's own in-plane axes, in millimetres of the slice (x = column times spacing, y = row times spacing):
/// origin at the dural sac's centroid, <c>Posterior</c> from the disc's centroid towards the sac's, <c>Left</c>
/// perpendicular to it towards the patient's left. Regions are found and cropped in this frame, so that neither the
/// patient's in-plane rotation nor the image's orientation matters to the rules or the graders.
/// </summary>
public readonly record struct AnatomicalFrame(double CentreX, double CentreY, double LeftX, double LeftY, double PosteriorX, double PosteriorY)
{
    /// <summary>Coordinates of a slice point (mm) in the frame: u towards the patient's left, v towards posterior.</summary>
    public (double U, double V) ToFrame(double x, double y)
    {
        var (dx, dy) = (x - CentreX, y - CentreY);
        return ((dx * LeftX) + (dy * LeftY), (dx * PosteriorX) + (dy * PosteriorY));
    }

    /// <summary>The slice point (mm) at frame coordinates (u, v).</summary>
    public (double X, double Y) ToSlice(double u, double v) => (CentreX + (u * LeftX) + (v * PosteriorX), CentreY + (u * LeftY) + (v * PosteriorY));

    /// <summary>
    /// Finds the frame of a slice. Throws <see cref="AnatomyNotFoundException"/> when the slice holds no dural sac.
    /// Without a disc on the slice, posterior is taken from the patient axes.
    /// </summary>
    public static AnatomicalFrame Of(LabelSlice slice)
    {
        ArgumentNullException.ThrowIfNull(slice);
        var sac = Centroid(slice, LabelSlice.ThecalSac) ?? throw new AnatomyNotFoundException("no thecal sac on the slice: the level cannot be measured.");
        var disc = Centroid(slice, LabelSlice.Disc);

        // Posterior in slice millimetres: from the disc to the sac, or the patient's +Y (LPS posterior) projected into the plane.
        var (px, py) = disc is { } d && Distance(d, sac) > 1
            ? (sac.X - d.X, sac.Y - d.Y)
            : (slice.AxisX.Y, slice.AxisY.Y);
        var length = Math.Sqrt((px * px) + (py * py));
        if (length < 1e-9)
        {
            throw new AnatomyNotFoundException("the slice lies in a sagittal or coronal plane: no posterior direction within it.");
        }

        (px, py) = (px / length, py / length);

        // Of the two perpendiculars, the one whose patient-space direction has a positive X (LPS: towards the patient's left).
        var (lx, ly) = (-py, px);
        var patientX = (lx * slice.AxisX.X) + (ly * slice.AxisY.X);
        if (patientX < 0)
        {
            (lx, ly) = (py, -px);
        }

        return new AnatomicalFrame(sac.X, sac.Y, lx, ly, px, py);
    }

    private static double Distance((double X, double Y) a, (double X, double Y) b) => Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static (double X, double Y)? Centroid(LabelSlice slice, byte label)
    {
        double sumX = 0, sumY = 0;
        long count = 0;
        for (var y = 0; y < slice.Height; y++)
        {
            for (var x = 0; x < slice.Width; x++)
            {
                if (slice[x, y] == label)
                {
                    (sumX, sumY, count) = (sumX + x, sumY + y, count + 1);
                }
            }
        }

        return count == 0 ? null : (sumX / count * slice.SpacingX, sumY / count * slice.SpacingY);
    }
}

/// <summary>The segmentation lacks what a rule needs (for example no dural sac on the slice).</summary>
public sealed class AnatomyNotFoundException : Exception
{
    public AnatomyNotFoundException(string message) : base(message) { }

    public AnatomyNotFoundException() { }

    public AnatomyNotFoundException(string message, Exception innerException) : base(message, innerException) { }
}
