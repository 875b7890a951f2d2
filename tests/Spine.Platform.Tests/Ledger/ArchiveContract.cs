using Spine.Platform.Archive;

namespace Spine.Platform.Tests.Ledger;

/// <summary>The DICOMweb archive index on every database the ledger supports: PS3.4 C.2.2.2 matching and paging.</summary>
public abstract partial class StudyLedgerContract
{
    private static ArchivedInstance Instance(string study, string series, string sop, string modality, string patientName, string patientId, string date, int number) => new()
    {
        StudyId = Guid.NewGuid(),
        StudyInstanceUid = study,
        SeriesInstanceUid = series,
        SopInstanceUid = sop,
        SopClassUid = modality == "MR" ? "1.2.840.10008.5.1.4.1.1.4" : "1.2.840.10008.5.1.4.1.1.88.33",
        TransferSyntaxUid = "1.2.840.10008.1.2.1",
        Modality = modality,
        PatientName = patientName,
        PatientId = patientId,
        StudyDate = date,
        SeriesNumber = modality == "MR" ? 3 : 9902,
        InstanceNumber = number,
        Bucket = "spine",
        ObjectKey = $"studies/{sop}.dcm",
        Sha256 = new string('0', 64),
    };

    private async Task<IDicomArchive> ArchiveAsync()
    {
        await CreateLedgerAsync();
        var archive = new EfDicomArchive(Contexts);
        await archive.AddAsync(
        [
            Instance("2.25.1", "2.25.11", "2.25.111", "MR", "Doe^Jane", "A%1", "20261101", 1),
            Instance("2.25.1", "2.25.11", "2.25.112", "MR", "Doe^Jane", "A%1", "20261101", 2),
            Instance("2.25.1", "2.25.12", "2.25.121", "SR", "Doe^Jane", "A%1", "20261101", 1),
            Instance("2.25.2", "2.25.21", "2.25.211", "MR", "Roe^Richard", "AB1", "20261120", 1),
        ]);
        return archive;
    }

    private static List<string> Studies(IReadOnlyList<IReadOnlyList<ArchivedInstance>> found) => [.. found.Select(g => g[0].StudyInstanceUid)];

    [Fact]
    public async Task Archive_matches_names_without_case_and_by_wildcard_ids_exactly_and_dates_by_range()
    {
        var archive = await ArchiveAsync();
        Task<IReadOnlyList<IReadOnlyList<ArchivedInstance>>> Query(string key, string value) =>
            archive.QueryAsync(new ArchiveQuery { Level = QueryLevel.Study, Match = new Dictionary<string, string> { [key] = value } });

        Assert.Equal(["2.25.1"], Studies(await Query("PatientName", "doe*")));
        Assert.Equal(["2.25.2"], Studies(await Query("PatientName", "R?E^RICHARD")));
        Assert.Equal(["2.25.1"], Studies(await Query("PatientID", "A%1")));
        Assert.Empty(await Query("PatientID", "A%"));
        Assert.Equal(["2.25.1"], Studies(await Query("PatientID", "A%*")));
        Assert.Equal(["2.25.2"], Studies(await Query("StudyDate", "20261110-")));
        Assert.Equal(["2.25.1"], Studies(await Query("StudyDate", "-20261101")));
        Assert.Equal(["2.25.2", "2.25.1"], Studies(await Query("StudyInstanceUID", "2.25.1,2.25.2")));
        Assert.Equal(["2.25.1"], Studies(await Query("ModalitiesInStudy", "SR")));
    }

    [Fact]
    public async Task Archive_groups_studies_newest_first_with_every_instance_and_pages_series_and_instances()
    {
        var archive = await ArchiveAsync();

        var studies = await archive.QueryAsync(new ArchiveQuery { Level = QueryLevel.Study });
        var series = await archive.QueryAsync(new ArchiveQuery { Level = QueryLevel.Series, StudyInstanceUid = "2.25.1" });
        var page = await archive.QueryAsync(new ArchiveQuery { Level = QueryLevel.Instance, StudyInstanceUid = "2.25.1", Offset = 1, Limit = 1 });

        Assert.Equal(["2.25.2", "2.25.1"], Studies(studies));
        Assert.Equal(3, studies[1].Count);
        Assert.Equal(["2.25.11", "2.25.12"], series.Select(s => s[0].SeriesInstanceUid));
        Assert.Equal(2, series[0].Count);
        Assert.Equal("2.25.112", Assert.Single(Assert.Single(page)).SopInstanceUid);
    }

    [Fact]
    public async Task Archive_indexes_an_instance_sent_again_once()
    {
        var archive = await ArchiveAsync();

        await archive.AddAsync([Instance("2.25.1", "2.25.11", "2.25.111", "MR", "Doe^Jane", "A%1", "20261101", 1), Instance("2.25.3", "2.25.31", "2.25.311", "MR", "New^One", "C1", "20261121", 1)]);

        Assert.Equal(2, (await archive.FindAsync("2.25.1", "2.25.11")).Count);
        Assert.Single(await archive.FindAsync("2.25.3"));
        Assert.Single(await archive.FindAsync("2.25.1", "2.25.11", "2.25.112"));
    }
}
