using Spine.Testing;

namespace Spine.Dicom.Tests;

/// <summary>The corpus of real DICOM files written by other toolkits, in the repository (see its MANIFEST.md).</summary>
internal static class Corpus
{
    public static string Root => RepositoryLayout.DicomCorpus;

    public static string File(string relativePath)
    {
        var path = Path.Combine(Root, relativePath);
        return System.IO.File.Exists(path)
            ? path
            : throw new FileNotFoundException($"Corpus file {relativePath} is missing; the corpus is expected at {Root}.");
    }
}
