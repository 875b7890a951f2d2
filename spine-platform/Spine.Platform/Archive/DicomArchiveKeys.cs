namespace Spine.Platform.Archive;

/// <summary>
/// The QIDO-RS matching keys the archive answers, by keyword, with their tags (a query may name either) and the level
/// from which each applies (PS3.18 table 10.6.1-5: study keys at every level, series keys at series and instance level).
/// </summary>
public static class DicomArchiveKeys
{
    public static IReadOnlyDictionary<string, (string Tag, QueryLevel Level)> All { get; } = new Dictionary<string, (string, QueryLevel)>(StringComparer.Ordinal)
    {
        ["StudyInstanceUID"] = ("0020000D", QueryLevel.Study),
        ["PatientName"] = ("00100010", QueryLevel.Study),
        ["PatientID"] = ("00100020", QueryLevel.Study),
        ["StudyDate"] = ("00080020", QueryLevel.Study),
        ["AccessionNumber"] = ("00080050", QueryLevel.Study),
        ["StudyID"] = ("00200010", QueryLevel.Study),
        ["ReferringPhysicianName"] = ("00080090", QueryLevel.Study),
        ["ModalitiesInStudy"] = ("00080061", QueryLevel.Study),
        ["SeriesInstanceUID"] = ("0020000E", QueryLevel.Series),
        ["Modality"] = ("00080060", QueryLevel.Series),
        ["SeriesNumber"] = ("00200011", QueryLevel.Series),
        ["SOPInstanceUID"] = ("00080018", QueryLevel.Instance),
        ["SOPClassUID"] = ("00080016", QueryLevel.Instance),
        ["InstanceNumber"] = ("00200013", QueryLevel.Instance),
    };

    /// <summary>The keyword a query parameter names (a keyword, or a tag as eight hexadecimal digits); null for one not matched on.</summary>
    public static string? KeywordOf(string parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (All.ContainsKey(parameter))
        {
            return parameter;
        }

        return All.FirstOrDefault(k => string.Equals(k.Value.Tag, parameter, StringComparison.OrdinalIgnoreCase)).Key;
    }
}
