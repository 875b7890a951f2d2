namespace Spine.Phantom.Tests;

/// <summary>One study written to disk, shared by the tests that read it back.</summary>
public sealed class WrittenStudy : IDisposable
{
    public WrittenStudy()
    {
        Folder = Directory.CreateTempSubdirectory("spine-phantom-").FullName;
        Study = PhantomGenerator.Generate(new PhantomOptions { Seed = 424242 });
        PhantomWriter.WriteStudy(Study, Folder);
    }

    public string Folder { get; }

    public PhantomStudy Study { get; }

    public IEnumerable<string> DicomFiles => Directory.EnumerateFiles(Path.Combine(Folder, "dicom"), "*.dcm", SearchOption.AllDirectories).Order(StringComparer.Ordinal);

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
