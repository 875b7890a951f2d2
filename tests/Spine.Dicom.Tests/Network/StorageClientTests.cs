using Spine.Dicom.Network;
using Spine.Testing;

namespace Spine.Dicom.Tests.Network;

/// <summary>The storage SCU against a real PACS (Debian's Orthanc).</summary>
[Trait(TestTraits.Category, TestTraits.Integration)]
public sealed class StorageClientTests
{
    [Fact]
    public async Task The_storage_client_stores_an_object_into_orthanc_which_then_lists_it()
    {
        await using var orthanc = await OrthancPeer.StartAsync(new Dictionary<string, (string, int)>());
        var bytes = await File.ReadAllBytesAsync(Corpus.File("dcm_qa_ts/1.dcm"));
        var file = DicomFile.Read(bytes);

        await using (var client = await DicomClient.ConnectAsync("127.0.0.1", orthanc.DicomPort, "SPINE", orthanc.AeTitle,
            DicomClient.ContextsFor([(file.Dataset.GetString(DicomTags.SopClassUid)!, file.TransferSyntax.Uid)])))
        {
            Assert.Equal(DimseStatus.Success, await client.StoreAsync(bytes));
            await client.ReleaseAsync();
        }

        Assert.Contains(file.Dataset.GetString(DicomTags.SopInstanceUid)!, await orthanc.SopInstanceUidsAsync());
    }
}
