using Spine.Contracts.V1;
using Spine.Platform.Storage;

namespace Spine.Cli.Commands;

/// <summary>Objects of the embedded store copied out as files beside a command's output (reports, overlays, heat maps).</summary>
internal static class StoredFiles
{
    public static async Task CopyAsync(IObjectStore store, ObjectRef reference, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await using var source = await store.OpenReadAsync(reference, cancellationToken);
        await using var file = File.Create(path);
        await source.CopyToAsync(file, cancellationToken);
    }
}
