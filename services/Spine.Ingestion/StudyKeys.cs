namespace Spine.Ingestion;

/// <summary>Where a study's objects live in the bucket: under its StudyId, never under anything from the patient.</summary>
public static class StudyKeys
{
    public static string Instance(Guid studyId, string sopInstanceUid) => $"studies/{studyId:N}/instances/{sopInstanceUid}.dcm";

    public static string Manifest(Guid studyId) => $"studies/{studyId:N}/manifest.json";
}
