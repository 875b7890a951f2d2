using System.Text.Json;
using Spine.Contracts.V1;
using Spine.Platform.Storage;

namespace Spine.Reporting;

/// <summary>The report reporting stored for a study (report.json), read back.</summary>
public static class StoredReports
{
    /// <summary>The study's stored report; null when none was stored (not reported yet).</summary>
    public static async Task<StudyReport?> ReadAsync(IObjectStore store, Guid studyId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (await store.StatAsync(StudyKeys.ReportJson(studyId), cancellationToken) is not { } stored)
        {
            return null;
        }

        return JsonSerializer.Deserialize(await store.ReadAllBytesAsync(stored, cancellationToken), SpineContractsJsonContext.Default.StudyReport)
            ?? throw new InvalidDataException($"study {studyId}: the stored report is empty.");
    }
}
