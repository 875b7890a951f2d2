using Spine.Testing;

namespace Spine.Dicom.Tests;

/// <summary>The shared corpus of real DICOM files written by other toolkits (see its MANIFEST.md).</summary>
internal static class Corpus
{
    public static string Root => Path.Combine(RepositoryLayout.Shared, "dicom-corpus");

    public static string File(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        return System.IO.File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Corpus file {relativePath} is missing; the corpus is expected at {Root} (../shared/dicom-corpus beside the checkout).");
    }
}
