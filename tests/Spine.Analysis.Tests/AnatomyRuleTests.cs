using Spine.Analysis.Anatomy;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Evaluation;
using Spine.Phantom;

namespace Spine.Analysis.Tests;

public sealed class AnatomyRuleTests
{
    private static Box BoxOf(RegionTruth truth) => new(truth.BoxPixels[0], truth.BoxPixels[1], truth.BoxPixels[2], truth.BoxPixels[3]);

    private static Box BoxOf(LocatedRegion region) => new(region.X, region.Y, region.Width, region.Height);

    [Fact]
    public void The_chosen_slice_holds_as_much_disc_as_the_phantoms_mid_slice_and_is_the_middle_of_equals()
    {
        foreach (var (slab, truth) in PhantomLevels.All)
        {
            var counts = Enumerable.Range(0, slab.Labels.SizeK).Select(k => LabelSlice.Of(slab.Labels, k, v => v).Count(LabelSlice.Disc)).ToList();
            var chosen = LabelSlice.MidDiscSlice(slab.Labels, v => v);
            Assert.Equal(counts[truth.MidSlice], counts[chosen]);
            var tied = Enumerable.Range(0, counts.Count).Where(k => counts[k] == counts.Max()).ToList();
            Assert.Equal(tied[(tied.Count - 1) / 2], chosen);
        }
    }

    [Fact]
    public void Measurements_on_the_true_masks_equal_the_phantoms_ground_truth()
    {
        foreach (var (slab, truth) in PhantomLevels.All)
        {
            var slice = LabelSlice.Of(slab.Labels, truth.MidSlice, v => v);
            var measured = LevelMeasurements.Of(slice, AnatomicalFrame.Of(slice));

            Assert.Equal(truth.DuralSacAreaMm2, measured.DuralSacAreaMm2, 1);
            Assert.Equal(truth.DiscAreaMm2, measured.DiscAreaMm2, 1);
            Assert.Equal(truth.DuralSacToDiscAreaRatio, measured.DuralSacToDiscAreaRatio, 3);
            Assert.InRange(measured.DuralSacApDiameterMm, truth.DuralSacApDiameterMm - 1.0, truth.DuralSacApDiameterMm + 1.0);
        }
    }

    [Fact]
    public void Rules_locate_each_foramen_and_facet_on_its_own_side_overlapping_the_true_box()
    {
        var foramen = new List<double>();
        var facet = new List<double>();
        foreach (var (slab, truth) in PhantomLevels.All)
        {
            var slice = LabelSlice.Of(slab.Labels, truth.MidSlice, v => v);
            var regions = RegionLocator.Locate(slice, AnatomicalFrame.Of(slice));
            Assert.Equal(4, regions.Count);
            Assert.All(regions, r => Assert.True(r.FromMasks, $"{r.Kind} {r.Side} placed by prior"));
            foreach (var region in regions)
            {
                // Against the boxes a reader draws around what is visible on the graded slice.
                var (same, other) = (region.Kind, region.Side) switch
                {
                    (RegionKind.Foramen, Side.Left) => (truth.ForamenLeftAsSeen!, truth.ForamenRightAsSeen!),
                    (RegionKind.Foramen, _) => (truth.ForamenRightAsSeen!, truth.ForamenLeftAsSeen!),
                    (_, Side.Left) => (truth.FacetLeftAsSeen!, truth.FacetRightAsSeen!),
                    _ => (truth.FacetRightAsSeen!, truth.FacetLeftAsSeen!),
                };
                var iou = Metrics.IoU(BoxOf(region), BoxOf(same));
                Assert.Equal(0, Metrics.IoU(BoxOf(region), BoxOf(other)));
                (region.Kind == RegionKind.Foramen ? foramen : facet).Add(iou);
            }
        }

        // The true box is the foramen's extent in health; bone drawn over its posterior part is not foramen on the
        // masks, so the located box is shorter: about 0.6 on these studies.
        Assert.True(foramen.Average() > 0.5, $"foramen mean IoU {foramen.Average():0.000}");
        Assert.True(facet.Average() > 0.6, $"facet mean IoU {facet.Average():0.000}");
        Assert.True(foramen.Min() > 0.35 && facet.Min() > 0.4, $"worst IoU: foramen {foramen.Min():0.000}, facet {facet.Min():0.000}");
    }

    /// <summary>A sac with a disc in front of it on a 100x100 slice at 1 mm, the anatomy rotated in-plane by <paramref name="degrees"/> and the columns optionally mirrored.</summary>
    private static LabelSlice Drawn(double degrees, bool flipColumns)
    {
        var labels = new byte[100 * 100];
        var angle = degrees * Math.PI / 180;

        // Anatomical (u left, v posterior) to pixels: rotate, optionally mirror the columns.
        (int X, int Y) Pixel(double u, double v)
        {
            var x = (u * Math.Cos(angle)) - (v * Math.Sin(angle));
            var y = (u * Math.Sin(angle)) + (v * Math.Cos(angle));
            return ((int)Math.Round(50 + (flipColumns ? -x : x)), (int)Math.Round(50 + y));
        }

        for (var v = -30.0; v <= 30; v += 0.25)
        {
            for (var u = -30.0; u <= 30; u += 0.25)
            {
                var label = (u * u / 64) + (v * v / 36) <= 1 ? LabelSlice.ThecalSac
                    : (u * u / 400) + ((v + 20) * (v + 20) / 100) <= 1 ? LabelSlice.Disc
                    : (byte)0;
                if (label != 0)
                {
                    var (x, y) = Pixel(u, v);
                    labels[(y * 100) + x] = label;
                }
            }
        }

        // Patient axes of the image: columns along patient left (+X) unless mirrored, rows along posterior (+Y), rotated.
        var axisX = new Vector3D(flipColumns ? -Math.Cos(angle) : Math.Cos(angle), flipColumns ? Math.Sin(angle) : -Math.Sin(angle), 0);
        var axisY = new Vector3D(Math.Sin(angle), Math.Cos(angle), 0);
        return new LabelSlice(labels, 100, 100, 1, 1, axisX, axisY);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(30, false)]
    [InlineData(0, true)]
    public void Frame_points_posterior_from_disc_to_sac_and_left_towards_the_patients_left(double degrees, bool flipColumns)
    {
        var slice = Drawn(degrees, flipColumns);
        var frame = AnatomicalFrame.Of(slice);
        var angle = degrees * Math.PI / 180;

        // Posterior in pixels is the image of (0, 1): (-sin, cos).
        Assert.Equal(-Math.Sin(angle) * (flipColumns ? -1 : 1), frame.PosteriorX, 1);
        Assert.Equal(Math.Cos(angle), frame.PosteriorY, 1);

        // Left, taken into patient space through the image axes, points to +X (LPS left).
        var patientX = (frame.LeftX * slice.AxisX.X) + (frame.LeftY * slice.AxisY.X);
        Assert.True(patientX > 0.9, $"left maps to patient X {patientX:0.00}");
    }

    [Fact]
    public void A_slice_without_a_dural_sac_is_refused_with_the_reason()
    {
        var ex = Assert.Throws<AnatomyNotFoundException>(() => AnatomicalFrame.Of(new LabelSlice(new byte[16], 4, 4, 1, 1, new Vector3D(1, 0, 0), new Vector3D(0, 1, 0))));
        Assert.Contains("no thecal sac", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Regions_missing_from_the_masks_are_placed_by_prior_and_flagged()
    {
        var regions = RegionLocator.Locate(Drawn(0, false), AnatomicalFrame.Of(Drawn(0, false)));

        Assert.All(regions, r => Assert.False(r.FromMasks));
        Assert.All(regions, r => Assert.Contains("anatomical prior", r.Rule, StringComparison.Ordinal));

        // Left regions lie at larger columns than right ones on an image whose columns run to the patient's left.
        var left = regions.Where(r => r.Side == Side.Left).Average(r => r.CentreXMm);
        var right = regions.Where(r => r.Side == Side.Right).Average(r => r.CentreXMm);
        Assert.True(left > 50 && right < 50, $"left {left:0.0} mm, right {right:0.0} mm");
    }
}
