using System.Reflection;
using Spine.Testing;

namespace Spine.Architecture.Tests;

/// <summary>What a service image carries: the build output of every runtime project holds no tool assembly.</summary>
public sealed class BuildOutputTests
{
    private static readonly string[] ToolAssemblies = ["Spine.Phantom.dll", "Spine.Evaluation.dll", "spine-train.dll", "Spine.Training.dll", "spine.dll", "TorchSharp.dll"];

    public static TheoryData<string> RuntimeProjects() =>
        [.. Layers.Projects().Where(project => project.Layer is Layer.Runtime or Layer.Service).Select(project => project.Name)];

    [Theory]
    [MemberData(nameof(RuntimeProjects))]
    public void Build_output_of_a_runtime_project_holds_no_phantom_evaluation_training_or_cli_assembly(string name)
    {
        var project = Layers.Projects().Single(p => p.Name == name);
        var configuration = typeof(BuildOutputTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var output = Path.Combine(Path.GetDirectoryName(project.Path)!, "bin", configuration, "net10.0");
        Assert.True(File.Exists(Path.Combine(output, name + ".dll")), $"{name} is not built at {output}; build the solution first (dotnet build Spine.slnx -c {configuration}).");

        var carried = ToolAssemblies.Where(tool => File.Exists(Path.Combine(output, tool))).ToList();

        Assert.Empty(carried);
    }
}
