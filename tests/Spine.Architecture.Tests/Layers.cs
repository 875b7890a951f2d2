using System.Xml.Linq;
using Spine.Testing;

namespace Spine.Architecture.Tests;

/// <summary>Where each project of the product sits (docs/architecture.md); a project the table does not name fails the tests.</summary>
internal enum Layer
{
    /// <summary>Contracts and the DICOM, imaging and platform libraries (Spine.Pipeline: what the services share).</summary>
    Foundation = 1,

    /// <summary>Spine.Analysis: the model runtime the services and <c>spine evaluate</c> share.</summary>
    Runtime = 2,

    /// <summary>The six services; none references another.</summary>
    Service = 3,

    /// <summary>Phantom, evaluation, training and the <c>spine</c> executable (the composition root); never referenced by the layers below.</summary>
    Tool = 4,
}

internal sealed record ProjectFile(string Name, string Path, Layer Layer, IReadOnlyList<string> References);

internal static class Layers
{
    private static readonly Dictionary<string, Layer> Table = new(StringComparer.Ordinal)
    {
        ["Spine.Contracts"] = Layer.Foundation,
        ["Spine.Dicom"] = Layer.Foundation,
        ["Spine.Imaging"] = Layer.Foundation,
        ["Spine.Platform"] = Layer.Foundation,
        ["Spine.Pipeline"] = Layer.Foundation,
        ["Spine.Analysis"] = Layer.Runtime,
        ["Spine.Ingestion"] = Layer.Service,
        ["Spine.Preprocessing"] = Layer.Service,
        ["Spine.Segmentation"] = Layer.Service,
        ["Spine.Classification"] = Layer.Service,
        ["Spine.Explanation"] = Layer.Service,
        ["Spine.Reporting"] = Layer.Service,
        ["Spine.Phantom"] = Layer.Tool,
        ["Spine.Evaluation"] = Layer.Tool,
        ["Spine.Training"] = Layer.Tool,
        ["Spine.Cli"] = Layer.Tool,
    };

    /// <summary>Every product project (not the tests) with its layer and the projects it references.</summary>
    public static IReadOnlyList<ProjectFile> Projects() =>
        [.. new[] { "contracts", "spine-platform", "services", "models" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(RepositoryLayout.Root, folder), "*.csproj", SearchOption.AllDirectories))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(Read)
            .OrderBy(project => project.Name, StringComparer.Ordinal)];

    /// <summary>The layer of a project named in the table; throws for one it does not name, so a new project must be placed.</summary>
    public static Layer Of(string name) => Table.TryGetValue(name, out var layer)
        ? layer
        : throw new InvalidOperationException($"{name} has no layer: add it to the table in {nameof(Layers)} and to docs/architecture.md.");

    public static ProjectFile Read(string path)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        var references = XDocument.Load(path).Descendants("ProjectReference")
            .Select(reference => System.IO.Path.GetFileNameWithoutExtension(reference.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        return new ProjectFile(name, path, Of(name), references);
    }
}
