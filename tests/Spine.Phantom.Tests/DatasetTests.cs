using System.Text.Json.Nodes;
using Spine.Imaging;

namespace Spine.Phantom.Tests;

public sealed class DatasetTests
{
    [Fact]
    public void Dataset_follows_the_nnunet_layout_with_one_case_per_slab()
    {
        var folder = Directory.CreateTempSubdirectory("spine-dataset-").FullName;
        try
        {
            var cases = PhantomDataset.Write(folder, studies: 2, seed: 300);

            var description = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "dataset.json")))!;
            Assert.Equal(10, cases.Count);
            Assert.Equal(10, description["numTraining"]!.GetValue<int>());
            Assert.Equal(3, description["labels"]!["thecal_sac"]!.GetValue<int>());
            Assert.Equal("T2", description["channel_names"]!["0"]!.GetValue<string>());
            foreach (var entry in cases)
            {
                var image = Nifti.Read(Path.Combine(folder, "imagesTr", entry.Case + "_0000.nii.gz"));
                var labels = Nifti.Read(Path.Combine(folder, "labelsTr", entry.Case + ".nii.gz"));
                Assert.Equal((image.SizeI, image.SizeJ, image.SizeK), (labels.SizeI, labels.SizeJ, labels.SizeK));
                Assert.Contains(labels.Voxels, v => v == Labels.ThecalSac);
            }

            Assert.Equal(10, JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "grades.json")))!.AsArray().Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
