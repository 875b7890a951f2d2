using System.Globalization;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Spine.Platform.Ledger;

namespace Spine.Platform.Archive;

/// <summary>
/// The archive index in the ledger's database (table <c>archived_instances</c>). Matching follows PS3.4 C.2.2.2:
/// a single value matches exactly (the patient's name without regard to case), * and ? are wildcards, a UID list
/// (comma or backslash separated) matches any of its UIDs, and dates match a range "from-to", "from-" or "-to".
/// </summary>
internal sealed class EfDicomArchive(IDbContextFactory<LedgerDbContext> contexts) : IDicomArchive
{
    public async Task AddAsync(IReadOnlyList<ArchivedInstance> instances, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instances);
        if (instances.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var uids = instances.Select(i => i.SopInstanceUid).ToList();
        var known = (await db.Archive.Where(a => uids.Contains(a.SopInstanceUid)).Select(a => a.SopInstanceUid).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        foreach (var instance in instances.Where(i => known.Add(i.SopInstanceUid)))
        {
            instance.PatientNameKey = instance.PatientName.ToUpperInvariant();
            db.Archive.Add(instance);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException) when (instances.Count > 1)
        {
            // Another process indexed some of them meanwhile (the unique SOP Instance UID refused the batch): one by one.
            foreach (var instance in instances)
            {
                instance.Id = 0;
                try
                {
                    await AddAsync([instance], cancellationToken);
                }
                catch (DbUpdateException)
                {
                }
            }
        }
        catch (DbUpdateException)
        {
        }
    }

    public async Task<IReadOnlyList<IReadOnlyList<ArchivedInstance>>> QueryAsync(ArchiveQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Archive.AsNoTracking();
        if (query.StudyInstanceUid is { } study)
        {
            rows = rows.Where(a => a.StudyInstanceUid == study);
        }

        if (query.SeriesInstanceUid is { } series)
        {
            rows = rows.Where(a => a.SeriesInstanceUid == series);
        }

        foreach (var (keyword, value) in query.Match)
        {
            rows = keyword == "ModalitiesInStudy"
                ? rows.Where(a => db.Archive.Any(other => other.StudyInstanceUid == a.StudyInstanceUid && other.Modality == value))
                : Matching(rows, keyword, value);
        }

        var (offset, limit) = (Math.Max(0, query.Offset), Math.Clamp(query.Limit, 1, 1000));
        if (query.Level == QueryLevel.Instance)
        {
            var found = await rows.OrderBy(a => a.StudyInstanceUid).ThenBy(a => a.SeriesNumber).ThenBy(a => a.InstanceNumber).ThenBy(a => a.Id)
                .Skip(offset).Take(limit).ToListAsync(cancellationToken);
            return [.. found.Select(a => (IReadOnlyList<ArchivedInstance>)[a])];
        }

        if (query.Level == QueryLevel.Series)
        {
            var keys = await rows.GroupBy(a => a.SeriesInstanceUid).Select(g => new { Uid = g.Key, First = g.Min(a => a.Id) })
                .OrderBy(g => g.First).Skip(offset).Take(limit).Select(g => g.Uid).ToListAsync(cancellationToken);
            var members = await db.Archive.AsNoTracking().Where(a => keys.Contains(a.SeriesInstanceUid)).ToListAsync(cancellationToken);
            return [.. keys.Select(k => (IReadOnlyList<ArchivedInstance>)[.. members.Where(a => a.SeriesInstanceUid == k).OrderBy(a => a.InstanceNumber)])];
        }

        // Studies newest first: the one indexed last leads.
        var studies = await rows.GroupBy(a => a.StudyInstanceUid).Select(g => new { Uid = g.Key, Last = g.Max(a => a.Id) })
            .OrderByDescending(g => g.Last).Skip(offset).Take(limit).Select(g => g.Uid).ToListAsync(cancellationToken);
        var instances = await db.Archive.AsNoTracking().Where(a => studies.Contains(a.StudyInstanceUid)).ToListAsync(cancellationToken);
        return [.. studies.Select(k => (IReadOnlyList<ArchivedInstance>)[.. instances.Where(a => a.StudyInstanceUid == k)])];
    }

    public async Task<IReadOnlyList<ArchivedInstance>> FindAsync(string studyInstanceUid, string? seriesInstanceUid = null, string? sopInstanceUid = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = db.Archive.AsNoTracking().Where(a => a.StudyInstanceUid == studyInstanceUid);
        if (seriesInstanceUid is not null)
        {
            rows = rows.Where(a => a.SeriesInstanceUid == seriesInstanceUid);
        }

        if (sopInstanceUid is not null)
        {
            rows = rows.Where(a => a.SopInstanceUid == sopInstanceUid);
        }

        return await rows.OrderBy(a => a.SeriesNumber).ThenBy(a => a.InstanceNumber).ThenBy(a => a.Id).ToListAsync(cancellationToken);
    }

    private static IQueryable<ArchivedInstance> Matching(IQueryable<ArchivedInstance> rows, string keyword, string value)
    {
        switch (keyword)
        {
            case "StudyInstanceUID": return rows.Where(Any(a => a.StudyInstanceUid, value));
            case "SeriesInstanceUID": return rows.Where(Any(a => a.SeriesInstanceUid, value));
            case "SOPInstanceUID": return rows.Where(Any(a => a.SopInstanceUid, value));
            case "SOPClassUID": return rows.Where(Any(a => a.SopClassUid, value));
            case "SeriesNumber": return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var series) ? rows.Where(a => a.SeriesNumber == series) : rows.Where(a => false);
            case "InstanceNumber": return int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var instance) ? rows.Where(a => a.InstanceNumber == instance) : rows.Where(a => false);
            case "StudyDate": return DateRange(rows, value);
            case "PatientName": return rows.Where(Text(a => a.PatientNameKey, value.ToUpperInvariant()));
            case "PatientID": return rows.Where(Text(a => a.PatientId, value));
            case "AccessionNumber": return rows.Where(Text(a => a.AccessionNumber, value));
            case "StudyID": return rows.Where(Text(a => a.StudyIdentifier, value));
            case "ReferringPhysicianName": return rows.Where(Text(a => a.ReferringPhysicianName, value));
            case "Modality": return rows.Where(Text(a => a.Modality, value));
            default: return rows;
        }
    }

    /// <summary>Exact, or with * and ? as wildcards (translated to LIKE with the characters LIKE gives meaning escaped).</summary>
    private static Expression<Func<ArchivedInstance, bool>> Text(Expression<Func<ArchivedInstance, string>> column, string value)
    {
        var parameter = column.Parameters[0];
        if (value.Contains('*', StringComparison.Ordinal) || value.Contains('?', StringComparison.Ordinal))
        {
            var pattern = value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)
                .Replace('*', '%').Replace('?', '_');
            var like = typeof(DbFunctionsExtensions).GetMethod(nameof(DbFunctionsExtensions.Like), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;
            var call = Expression.Call(like, Expression.Constant(EF.Functions), column.Body, Expression.Constant(pattern), Expression.Constant("\\"));
            return Expression.Lambda<Func<ArchivedInstance, bool>>(call, parameter);
        }

        return Expression.Lambda<Func<ArchivedInstance, bool>>(Expression.Equal(column.Body, Expression.Constant(value)), parameter);
    }

    private static Expression<Func<ArchivedInstance, bool>> Any(Expression<Func<ArchivedInstance, string>> column, string value)
    {
        var uids = value.Split([',', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var contains = typeof(Enumerable).GetMethods().Single(m => m.Name == nameof(Enumerable.Contains) && m.GetParameters().Length == 2).MakeGenericMethod(typeof(string));
        return Expression.Lambda<Func<ArchivedInstance, bool>>(Expression.Call(contains, Expression.Constant(uids), column.Body), column.Parameters[0]);
    }

    private static IQueryable<ArchivedInstance> DateRange(IQueryable<ArchivedInstance> rows, string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return rows.Where(a => a.StudyDate == value);
        }

        var (from, to) = (value[..dash], value[(dash + 1)..]);
        if (from.Length > 0)
        {
            rows = rows.Where(a => string.Compare(a.StudyDate, from) >= 0);
        }

        if (to.Length > 0)
        {
            rows = rows.Where(a => string.Compare(a.StudyDate, to) <= 0);
        }

        return rows;
    }
}
