using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Spine.Platform.Archive;
using Spine.Platform.Ledger;
using Spine.Platform.Security;
using Spine.Platform.Storage;

namespace Spine.Reporting.WebConsole;

/// <summary>
/// The web console at /console, behind the read role like the rest of the results: the page and its script and style
/// (built into this assembly: nothing is fetched from elsewhere), and the JSON and images it shows. A browser signs in
/// with an API key as the password of HTTP Basic authentication (the user name is not checked).
/// </summary>
public static class ConsoleApi
{
    public const string Root = "/console";

    /// <summary>Which side of the patient a slice image's right edge faces, for the viewer's R and L markers.</summary>
    public const string RightEdgeHeader = "X-Image-Right-Edge";

    /// <summary>A study that has not changed for this long while in progress is listed as stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(15);

    /// <summary>Only the console's own script, style and images; no inline script, no framing, no other origin.</summary>
    public static readonly IReadOnlyDictionary<string, string> SecurityHeaders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Cache-Control"] = "no-store",
        ["X-Content-Type-Options"] = "nosniff",
        ["Content-Security-Policy"] = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ["Referrer-Policy"] = "no-referrer",
    };

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
    };

    // Findings of moderate grade or worse per reported study: a report does not change once stored.
    private static readonly ConcurrentDictionary<Guid, int> ModerateOrWorse = new();

    public static void Map(IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var console = routes.MapGroup(Root).RequireAuthorization(SpineRoles.Read).AddEndpointFilter(async (context, next) =>
        {
            foreach (var (name, value) in SecurityHeaders)
            {
                context.HttpContext.Response.Headers[name] = value;
            }

            return await next(context);
        });
        console.MapGet("/", () => Asset("console.html")).Produces<Stream>(StatusCodes.Status200OK, "text/html");
        console.MapGet("/assets/{name}", (string name) => Asset(name)).Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream").Produces(StatusCodes.Status404NotFound);
        console.MapGet("/api/worklist", WorklistAsync).Produces<WorklistPage>().Produces<string>(StatusCodes.Status400BadRequest);
        console.MapGet("/api/failures", FailuresAsync).Produces<IReadOnlyList<FailureRow>>();
        console.MapGet("/api/studies/{id:guid}", StudyAsync).Produces<StudyView>().Produces(StatusCodes.Status404NotFound);
        console.MapGet("/api/studies/{id:guid}/slices/{index:int}", SliceAsync).Produces<Stream>(StatusCodes.Status200OK, "image/png").Produces<string>(StatusCodes.Status400BadRequest).Produces(StatusCodes.Status404NotFound);
    }

    private static IResult Asset(string name)
    {
        var extension = Path.GetExtension(name);
        if (!ContentTypes.TryGetValue(extension, out var contentType) || Assembly.GetExecutingAssembly().GetManifestResourceStream("console/" + name) is not { } stream)
        {
            return Results.NotFound();
        }

        return Results.Stream(stream, contentType);
    }

    private static async Task<IResult> WorklistAsync(IStudyLedger ledger, IObjectStore store, TimeProvider time, string? status, DateOnly? from, DateOnly? to, int? skip, int? take, CancellationToken cancellationToken)
    {
        StudyStatus? wanted = null;
        if (!string.IsNullOrEmpty(status))
        {
            if (!Enum.TryParse<StudyStatus>(status, ignoreCase: true, out var parsed))
            {
                return Results.BadRequest($"status {status}: one of {string.Join(", ", Enum.GetNames<StudyStatus>())}.");
            }

            wanted = parsed;
        }

        var (first, count) = (Math.Max(0, skip ?? 0), Math.Clamp(take ?? 25, 1, 100));
        var (page, total) = await ledger.ListWithTransitionsAsync(
            wanted, from is { } f ? new DateTimeOffset(f.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null,
            to is { } t ? new DateTimeOffset(t.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null, first, count, cancellationToken);
        var now = time.GetUtcNow();
        var rows = new List<WorklistRow>(page.Count);
        foreach (var study in page)
        {
            rows.Add(ConsoleRows.Row(study, now, study.Status == StudyStatus.Completed ? await ModerateOrWorseAsync(study.StudyId, store, cancellationToken) : null));
        }

        return Results.Json(new WorklistPage(rows, total, first, count), ConsoleJsonContext.Default.WorklistPage);
    }

    private static async Task<IResult> FailuresAsync(IStudyLedger ledger, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = new List<FailureRow>();
        var (failed, _) = await ledger.ListWithTransitionsAsync(StudyStatus.Failed, null, null, 0, 100, cancellationToken);
        rows.AddRange(failed.Select(s => new FailureRow(s.StudyId, "failed", s.Stage?.ToString(), ConsoleRows.LastFailure(s), s.CreatedAt, s.UpdatedAt)));
        foreach (var status in new[] { StudyStatus.Received, StudyStatus.InProgress })
        {
            var (open, _) = await ledger.ListWithTransitionsAsync(status, null, null, 0, 500, cancellationToken);
            rows.AddRange(open.Where(s => now - s.UpdatedAt > StuckAfter).Select(s => new FailureRow(
                s.StudyId, "stuck", s.Stage?.ToString(), $"no change for {(int)(now - s.UpdatedAt).TotalMinutes} minutes", s.CreatedAt, s.UpdatedAt)));
        }

        return Results.Json<IReadOnlyList<FailureRow>>([.. rows.OrderByDescending(r => r.UpdatedAt)], ConsoleJsonContext.Default.IReadOnlyListFailureRow);
    }

    private static async Task<IResult> StudyAsync(Guid id, IStudyLedger ledger, IObjectStore store, IDicomArchive archive, IOptions<ExportOptions> export, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await ledger.FindAsync(id, cancellationToken) is not { } record)
        {
            return Results.NotFound();
        }

        var study = record.Status == StudyStatus.Completed ? await ConsoleStudy.LoadAsync(id, store, archive, cancellationToken) : null;
        var row = ConsoleRows.Row(record, time.GetUtcNow(), study?.Report.Levels.Sum(l => l.Findings.Count(f => f.Grade >= 2)));
        var transitions = record.Transitions.Select(t => new StudyTransition(t.Stage.ToString(), t.Outcome.ToString(), t.At, t.Detail)).ToList();
        var exports = ConsoleRows.Exports(export.Value.Destinations, await ledger.ListExportsAsync(id, cancellationToken));
        return Results.Json(new StudyView(row, transitions, study?.Slices() ?? [], study?.Levels() ?? [], study?.Report.Models ?? [], study?.Report.Disclaimer, exports), ConsoleJsonContext.Default.StudyView);
    }

    private static async Task<IResult> SliceAsync(HttpContext context, Guid id, int index, double? center, double? width, bool? outline, string? heat, IObjectStore store, IDicomArchive archive, CancellationToken cancellationToken)
    {
        if (await ConsoleStudy.LoadAsync(id, store, archive, cancellationToken) is not { } study)
        {
            return Results.NotFound();
        }

        if (index < 0 || index >= study.Images.Count)
        {
            return Results.BadRequest($"slice {index}: the series has slices 0 to {study.Images.Count - 1}.");
        }

        if (!string.IsNullOrEmpty(heat) && !study.Report.Levels.Any(l => l.Findings.Any(f => f.Explanation?.HeatMap is not null && StudyKeys.FindingName(l.Level, f.Kind, f.Side) == heat)))
        {
            return Results.BadRequest($"heat {heat}: not a finding of this study with a heat map.");
        }

        var rendered = await ConsoleSlice.RenderPngAsync(study, index, new SliceLayers(center, width, outline ?? false, string.IsNullOrEmpty(heat) ? null : heat), store, cancellationToken);
        context.Response.Headers[RightEdgeHeader] = rendered.RightEdge;
        return Results.Bytes(rendered.Png, "image/png");
    }

    private static async Task<int?> ModerateOrWorseAsync(Guid studyId, IObjectStore store, CancellationToken cancellationToken)
    {
        if (ModerateOrWorse.TryGetValue(studyId, out var known))
        {
            return known;
        }

        if (await StoredReports.ReadAsync(store, studyId, cancellationToken) is not { } report)
        {
            return null;
        }

        var count = report.Levels.Sum(l => l.Findings.Count(f => f.Grade >= 2));
        if (ModerateOrWorse.Count > 100_000)
        {
            ModerateOrWorse.Clear();
        }

        ModerateOrWorse[studyId] = count;
        return count;
    }
}
