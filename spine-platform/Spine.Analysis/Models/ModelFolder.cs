using System.Security.Cryptography;
using System.Text.Json;

namespace Spine.Analysis.Models;

/// <summary>A model folder (<c>NAME/VERSION/</c> with model.json and the file it names), its bytes checked against the recorded SHA-256.</summary>
public sealed record ModelFolder(string Path, ModelManifest Manifest, byte[] Content)
{
    public static ModelFolder Load(string folder)
    {
        var manifestPath = System.IO.Path.Combine(folder, "model.json");
        if (!File.Exists(manifestPath))
        {
            throw new ModelFolderException($"{manifestPath}: not found.");
        }

        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(File.ReadAllText(manifestPath), ModelJsonContext.Default.ModelManifest)
                ?? throw new ModelFolderException($"{manifestPath}: empty.");
        }
        catch (JsonException ex)
        {
            throw new ModelFolderException($"{manifestPath}: not a model manifest ({ex.Message}).", ex);
        }

        var contentPath = System.IO.Path.Combine(folder, manifest.File);
        if (!File.Exists(contentPath))
        {
            throw new ModelFolderException($"{contentPath}: named by model.json but not found.");
        }

        var content = File.ReadAllBytes(contentPath);
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!string.Equals(sha256, manifest.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelFolderException($"{contentPath}: SHA-256 {sha256}, but model.json records {manifest.Sha256}; the file was changed or damaged.");
        }

        return new ModelFolder(folder, manifest, content);
    }

    /// <summary>
    /// The newest version (by semantic version order) of the model serving <paramref name="task"/> under
    /// <paramref name="root"/> (laid out NAME/VERSION/model.json), or null if none does.
    /// </summary>
    public static ModelFolder? FindLatest(string root, string task)
    {
        if (!Directory.Exists(root))
        {
            throw new ModelFolderException($"{root}: models folder not found.");
        }

        var best = Directory.EnumerateDirectories(root)
            .SelectMany(Directory.EnumerateDirectories)
            .Select(folder => System.IO.Path.Combine(folder, "model.json"))
            .Where(File.Exists)
            .Select(path => (Path: System.IO.Path.GetDirectoryName(path)!, Manifest: TryRead(path)))
            .Where(m => m.Manifest?.Task == task)
            .OrderByDescending(m => Version.TryParse(m.Manifest!.Version, out var v) ? v : new Version(0, 0))
            .ThenBy(m => m.Path, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Path is null ? null : Load(best.Path);
    }

    private static ModelManifest? TryRead(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), ModelJsonContext.Default.ModelManifest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public sealed class ModelFolderException : Exception
{
    public ModelFolderException(string message) : base(message) { }

    public ModelFolderException() { }

    public ModelFolderException(string message, Exception innerException) : base(message, innerException) { }
}
