using System.Reflection;

namespace Spine.Testing;

/// <summary>Where things are in the checkout, found from the test assembly's location.</summary>
public static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>Real DICOM files written by other toolkits (tests/data/dicom-corpus, see its MANIFEST.md).</summary>
    public static string DicomCorpus => Path.Combine(Root, "tests", "data", "dicom-corpus");

    /// <summary>The built spine CLI of the same configuration as the tests (Debug or Release).</summary>
    public static string SpineCli
    {
        get
        {
            var configuration = typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var path = Path.Combine(Root, "spine-platform", "Spine.Cli", "bin", configuration, "net10.0", "spine.dll");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"The spine CLI is not built at {path}; build the solution first (dotnet build Spine.slnx -c {configuration}).");
        }
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Spine.slnx")))
            {
                return folder.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Spine.slnx above {AppContext.BaseDirectory}.");
    }
}
