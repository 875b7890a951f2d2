using Microsoft.Extensions.Logging;
using Spine.Contracts.V1;
using Spine.Dicom;
using Spine.Platform.Hosting;



namespace Spine.Ingestion;

/// <summary>What a folder import did for one study; <paramref name="Repeated"/>: the same instances were imported before, under this StudyId, and nothing was done again.</summary>
public sealed record ImportedStudy(Guid StudyId, string StudyInstanceUid, int InstanceCount, IReadOnlyList<RejectedFile> RejectedFiles, bool Repeated = false);

/// <summary>What a folder import did: the studies it found and every file it skipped (also when no study was found).</summary>
public sealed record FolderImportResult(IReadOnlyList<ImportedStudy> Studies, IReadOnlyList<RejectedFile> RejectedFiles);

/// <summary>
/// Imports the studies in a folder: every file is read and checked, one at a time (a folder is never held in memory);
/// files that are not DICOM, cannot be parsed, or lack the UIDs a study needs are listed with the reason (in each
/// study's manifest) and skipped, never fatal to the others. Each study's instances are then read again one by one and
/// stored once per SOP Instance UID, its manifest written, the study registered in the ledger, and StudyReceived
/// published.
/// </summary>
public sealed partial class FolderImport(StudyIntake intake, ILogger<FolderImport> logger)
{
    public async Task<IReadOnlyList<ImportedStudy>> ImportAsync(string folder, CancellationToken cancellationToken = default) =>
        (await ImportFolderAsync(folder, cancellationToken)).Studies;

    /// <param name="answerRepeats">
    /// A study imported before with the same instances is answered with its StudyId and not imported again (the
    /// service's <c>POST /imports</c>, which a client may retry); false imports it anew (<c>spine analyze</c> run again).
    /// </param>
    public async Task<FolderImportResult> ImportFolderAsync(string folder, CancellationToken cancellationToken = default, bool answerRepeats = false)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"{folder}: folder not found.");
        }

        var readable = new List<(string Name, string Path, string StudyInstanceUid, string SopInstanceUid)>();
        var rejected = new List<RejectedFile>();
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var name = Path.GetRelativePath(folder, path);
            if (LinkOutOf(folder, path))
            {
                rejected.Add(new RejectedFile { Name = name, Reason = "a link leading out of the imported folder: not followed" });
                continue;
            }

            var (file, _, reason) = await ReadAsync(path, cancellationToken);
            if (file is null)
            {
                rejected.Add(new RejectedFile { Name = name, Reason = reason! });
            }
            else
            {
                readable.Add((name, path, file.Dataset.GetString(DicomTags.StudyInstanceUid)!, file.Dataset.GetString(DicomTags.SopInstanceUid)!));
            }
        }

        if (rejected.Count > 0)
        {
            LogRejected(logger, rejected.Count, readable.Count + rejected.Count);
        }

        var studies = new List<ImportedStudy>();
        foreach (var study in readable.GroupBy(r => r.StudyInstanceUid, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            studies.Add(await StoreStudyAsync(study.Key, study.ToList(), rejected, answerRepeats, cancellationToken));
        }

        return new FolderImportResult(studies, rejected);
    }

    /// <summary>
    /// Whether the path, or a folder on the way to it, is a symbolic link whose target lies outside the imported
    /// folder: an import reads what was put in its folder, never what a link points to elsewhere on the host.
    /// </summary>
    private static bool LinkOutOf(string folder, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var current = root;
        foreach (var part in Path.GetRelativePath(root, Path.GetFullPath(path)).Split(Path.DirectorySeparatorChar))
        {
            current = Path.Combine(current, part);
            FileSystemInfo entry = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (entry.LinkTarget is null)
            {
                continue;
            }

            var target = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (target is null || !(target == root || target.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal)))
            {
                return true;
            }

            current = target;
        }

        return false;
    }

    private static async Task<(DicomFile? File, byte[]? Bytes, string? Reason)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (IOException ex)
        {
            return (null, null, $"cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return (null, null, $"cannot be read: {ex.Message}");
        }

        DicomFile file;
        try
        {
            file = DicomFile.Read(bytes, Path.GetFileName(path));
        }
        catch (DicomFormatException ex)
        {
            return (null, null, ex.Message);
        }

        foreach (var (tag, what) in new[] { (DicomTags.StudyInstanceUid, "Study Instance UID"), (DicomTags.SeriesInstanceUid, "Series Instance UID"), (DicomTags.SopInstanceUid, "SOP Instance UID") })
        {
            if (string.IsNullOrWhiteSpace(file.Dataset.GetString(tag)))
            {
                return (null, null, $"DICOM, but without a {what} {tag}: cannot be placed in a study");
            }
        }

        return (file, bytes, null);
    }

    private async Task<ImportedStudy> StoreStudyAsync(string studyInstanceUid, List<(string Name, string Path, string StudyInstanceUid, string SopInstanceUid)> files, List<RejectedFile> rejected, bool answerRepeats, CancellationToken cancellationToken)
    {
        var distinct = files.DistinctBy(f => f.SopInstanceUid, StringComparer.Ordinal).ToList();
        if (answerRepeats && await intake.FindSameStudyAsync(studyInstanceUid, distinct.Select(f => f.SopInstanceUid).ToHashSet(StringComparer.Ordinal), cancellationToken) is { } earlier)
        {
            LogRepeated(logger, earlier, distinct.Count);
            return new ImportedStudy(earlier, studyInstanceUid, distinct.Count, rejected, Repeated: true);
        }

        var studyId = intake.NewStudyId();
        using var activity = SpineTelemetry.Source.StartActivity("ingest study");
        activity?.SetTag(SpineTelemetry.StudyIdTag, studyId.ToString());
        var instances = new List<StoredInstance>();
        foreach (var (name, path, _, _) in distinct)
        {
            // Read again, one file at a time; a file changed or removed since the first reading is listed, not fatal.
            var (file, bytes, reason) = await ReadAsync(path, cancellationToken);
            if (file is null || file.Dataset.GetString(DicomTags.StudyInstanceUid) != studyInstanceUid)
            {
                rejected.Add(new RejectedFile { Name = name, Reason = reason ?? "changed while it was imported" });
                continue;
            }

            instances.Add(await intake.StoreInstanceAsync(studyId, file, bytes!, cancellationToken));
        }

        await intake.CompleteAsync(studyId, studyInstanceUid, instances, rejected, "folder", cancellationToken);
        return new ImportedStudy(studyId, studyInstanceUid, instances.Count, rejected);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Folder import: study {StudyId} was imported before with the same {Instances} instances; answered with its StudyId, not imported again")]
    private static partial void LogRepeated(ILogger logger, Guid studyId, int instances);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Folder import: {Rejected} of {Total} files rejected (listed with reasons in the study manifest)")]
    private static partial void LogRejected(ILogger logger, int rejected, int total);

}
