namespace Spine.Dicom.Tests;

internal static class DatasetAssert
{
    /// <summary>Same elements, VRs and values, recursively through sequences; file meta elements and group lengths are ignored.</summary>
    public static void Equal(DicomDataset expected, DicomDataset actual, string path = "")
    {
        var left = expected.Where(Compared).ToList();
        var right = actual.Where(Compared).ToList();
        Assert.Equal(left.Select(e => e.Tag), right.Select(e => e.Tag));
        foreach (var (a, b) in left.Zip(right))
        {
            var where = $"{path}{a.Tag}";
            Assert.True(a.VR == b.VR, $"{where}: VR {a.VR} became {b.VR}");
            if (a.Items is { } items)
            {
                Assert.True(b.Items is not null && b.Items.Count == items.Count, $"{where}: sequence item count differs");
                for (var i = 0; i < items.Count; i++)
                {
                    Equal(items[i], b.Items![i], $"{where}[{i}]");
                }
            }
            else
            {
                Assert.True(a.Value.Span.SequenceEqual(b.Value.Span), $"{where}: value differs");
            }
        }
    }

    private static bool Compared(DicomElement element) => element.Tag.Group != 0x0002 && element.Tag.Element != 0x0000;
}
