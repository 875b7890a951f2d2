namespace Spine.Architecture.Tests;

/// <summary>Dependencies run one way: foundation, runtime, services, tools (docs/architecture.md).</summary>
public sealed class DependencyRuleTests
{
    public static TheoryData<string> ProjectNames() => [.. Layers.Projects().Select(project => project.Name)];

    [Theory]
    [MemberData(nameof(ProjectNames))]
    public void Project_references_only_what_its_layer_may(string name)
    {
        var project = Layers.Projects().Single(p => p.Name == name);

        Assert.Empty(Violations(project));
    }

    [Fact]
    public void A_service_referencing_another_service_is_a_violation()
    {
        var explanation = new ProjectFile("Spine.Explanation", "services/Spine.Explanation/Spine.Explanation.csproj", Layer.Service, ["Spine.Analysis", "Spine.Classification"]);

        Assert.Equal(["Spine.Explanation (service) references the service Spine.Classification: services talk through messages only"], Violations(explanation));
    }

    [Theory]
    [InlineData("Spine.Analysis", "Spine.Phantom")]
    [InlineData("Spine.Analysis", "Spine.Evaluation")]
    [InlineData("Spine.Segmentation", "Spine.Cli")]
    [InlineData("Spine.Platform", "Spine.Training")]
    [InlineData("Spine.Contracts", "Spine.Phantom")]
    public void A_runtime_project_referencing_a_tool_is_a_violation(string runtime, string tool)
    {
        var project = new ProjectFile(runtime, runtime + ".csproj", Layers.Of(runtime), [tool]);

        Assert.Contains(Violations(project), violation => violation.Contains($"the tool {tool}", StringComparison.Ordinal));
    }

    [Fact]
    public void A_foundation_library_referencing_the_runtime_is_a_violation()
    {
        var project = new ProjectFile("Spine.Imaging", "Spine.Imaging.csproj", Layer.Foundation, ["Spine.Analysis"]);

        Assert.Single(Violations(project));
    }

    /// <summary>What is wrong with a project's references, one sentence each; empty when nothing is.</summary>
    private static List<string> Violations(ProjectFile project)
    {
        var violations = new List<string>();
        foreach (var reference in project.References)
        {
            var layer = Layers.Of(reference);
            if (layer == Layer.Tool && project.Layer != Layer.Tool)
            {
                violations.Add($"{project.Name} ({Describe(project.Layer)}) references the tool {reference}: the runtime never carries tools");
            }
            else if (layer == Layer.Service && project.Layer == Layer.Service)
            {
                violations.Add($"{project.Name} (service) references the service {reference}: services talk through messages only");
            }
            else if (layer > project.Layer)
            {
                violations.Add($"{project.Name} ({Describe(project.Layer)}) references {reference} ({Describe(layer)}), a layer above it");
            }
        }

        return violations;
    }

    private static string Describe(Layer layer) => layer switch
    {
        Layer.Foundation => "foundation library",
        Layer.Runtime => "model runtime",
        Layer.Service => "service",
        _ => "tool",
    };
}
