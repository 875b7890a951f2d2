using System.Text.RegularExpressions;
using k8s.Models;
using Spine.Testing;
using YamlDotNet.RepresentationModel;

namespace Spine.Deployment.Tests;

/// <summary>
/// helm/spine-platform checked without Helm (not installable on the build machine): the values the templates use
/// exist, the values exist to be used, every service has values and a template, and the chart has the kinds the
/// kustomize production overlay has. Service values are read in templates only through <c>$service</c>
/// (<c>index .Values.services NAME</c>), so <c>$service.X</c> means <c>services.&lt;each service&gt;.X</c>.
/// </summary>
public sealed partial class HelmChartTests
{
    private static string ChartRoot => Path.Combine(RepositoryLayout.Root, "helm", "spine-platform");

    private static Dictionary<string, string> Templates() =>
        Directory.EnumerateFiles(Path.Combine(ChartRoot, "templates")).ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

    private static YamlMappingNode Values()
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(ChartRoot, "values.yaml"));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlMappingNode ServiceValues(string service) => (YamlMappingNode)((YamlMappingNode)Values()["services"])[service];

    /// <summary>Every path the templates read, with <c>$service.X</c> expanded to each service.</summary>
    private static HashSet<string> References()
    {
        var text = string.Join('\n', Templates().Values);
        var references = ValuesReference().Matches(text).Select(m => m.Groups[1].Value[1..]).ToHashSet(StringComparer.Ordinal);
        foreach (var service in ServiceReference().Matches(text).Select(m => m.Groups[1].Value))
        {
            references.UnionWith(SpineServices.Names.Select(name => $"services.{name}{service}"));
        }

        return references;
    }

    private static IEnumerable<string> Paths(YamlNode node, string prefix) => node switch
    {
        YamlMappingNode { Children.Count: > 0 } map => map.Children.SelectMany(c => Paths(c.Value, prefix.Length == 0 ? ((YamlScalarNode)c.Key).Value! : $"{prefix}.{((YamlScalarNode)c.Key).Value}")),
        _ => [prefix],
    };

    private static bool Exists(string path)
    {
        YamlNode node = Values();
        foreach (var key in path.Split('.'))
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var child))
            {
                return false;
            }

            node = child;
        }

        return true;
    }

    [Fact]
    public void Every_value_a_template_reads_exists_in_values()
    {
        var references = References();

        Assert.True(references.Count > 20, $"only {references.Count} references found");
        Assert.DoesNotContain(references, r => !Exists(r));
        Assert.False(Exists("services.segmentation.gpu.enable"));
    }

    [Fact]
    public void Every_value_is_read_by_a_template()
    {
        var references = References();

        var unused = Paths(Values(), string.Empty).Where(path => !references.Any(r => path == r || path.StartsWith(r + ".", StringComparison.Ordinal))).ToList();

        Assert.Empty(unused);
    }

    [Fact]
    public void Every_service_of_the_platform_has_values_of_the_same_shape_and_its_own_template()
    {
        var services = (YamlMappingNode)Values()["services"];
        var templates = Templates();

        Assert.Equal(SpineServices.Names.Order(StringComparer.Ordinal), services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal));
        var shape = Paths(ServiceValues("segmentation"), string.Empty).Select(p => p.Split('.')[0]).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var service in SpineServices.Names)
        {
            Assert.Equal(shape, Paths(ServiceValues(service), string.Empty).Select(p => p.Split('.')[0]).Distinct().Order(StringComparer.Ordinal));
            Assert.Contains($"include \"spine.workload\" (dict \"root\" $ \"name\" \"{service}\")", templates[$"{service}.yaml"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Template_blocks_are_balanced_and_every_included_template_is_defined()
    {
        foreach (var (name, text) in Templates())
        {
            Assert.True(BlockStart().Count(text) == BlockEnd().Count(text), $"{name}: {BlockStart().Count(text)} blocks opened, {BlockEnd().Count(text)} closed");
        }

        var all = string.Join('\n', Templates().Values);
        var defined = Define().Matches(all).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.All(Include().Matches(all).Select(m => m.Groups[1].Value), included => Assert.Contains(included, defined));
    }

    [Fact]
    [Trait(TestTraits.Category, TestTraits.Integration)] // renders the overlay with kubectl kustomize
    public void The_chart_has_every_kind_of_the_production_overlay_and_the_same_secret_keys()
    {
        var all = string.Join('\n', Templates().Values);
        var kinds = Kind().Matches(all).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        var objects = Manifests.Render("overlays/production");
        var overlayKinds = objects.Select(o => ((k8s.IKubernetesObject)o).Kind).ToHashSet(StringComparer.Ordinal);
        var overlaySecretKeys = objects.OfType<V1Deployment>().SelectMany(d => d.Container().Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.ValueFrom.SecretKeyRef.Key)).ToHashSet(StringComparer.Ordinal);

        Assert.Subset(kinds, overlayKinds);
        // The chart's monitoring (PodMonitor, alerts, dashboard) has no counterpart in the kustomize manifests: its key is the chart's own.
        Assert.Equal(overlaySecretKeys.Append("monitor-api-key").Order(StringComparer.Ordinal), SecretKey().Matches(all).Select(m => m.Groups[1].Value).Distinct().Order(StringComparer.Ordinal));
        Assert.All(overlaySecretKeys, key => Assert.Contains($"--from-literal={key}=", Templates()["NOTES.txt"], StringComparison.Ordinal));
    }

    [Fact]
    public void Settings_in_the_chart_bind_to_options_of_the_services()
    {
        var all = string.Join('\n', Templates().Values);
        var written = SettingName().Matches(all).Select(m => m.Groups[1].Value);
        var fromValues = SpineServices.Names.SelectMany(s => ((YamlMappingNode)ServiceValues(s)["settings"]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!));
        var settings = written.Concat(fromValues).Select(s => s.Replace("{{ $index }}", "0", StringComparison.Ordinal)).Distinct().ToList();

        Assert.True(settings.Count > 10, $"only {settings.Count} settings found");
        Assert.Empty(settings.Select(OptionsBinding.Problem).OfType<string>());
    }

    [Fact]
    public void The_chart_version_is_the_platform_version()
    {
        var version = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryLayout.Root, "Directory.Build.props")).Descendants("Version").Single().Value;
        var chart = File.ReadAllText(Path.Combine(ChartRoot, "Chart.yaml"));

        Assert.Contains($"appVersion: \"{version}\"", chart, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"\.Values((?:\.[A-Za-z_][\w]*)+)")]
    private static partial Regex ValuesReference();

    [GeneratedRegex(@"\$service((?:\.[A-Za-z_][\w]*)+)")]
    private static partial Regex ServiceReference();

    [GeneratedRegex(@"\{\{-?\s*(?:if|range|with|define)\b")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"\{\{-?\s*end\b")]
    private static partial Regex BlockEnd();

    [GeneratedRegex(@"define ""([^""]+)""")]
    private static partial Regex Define();

    [GeneratedRegex(@"include ""([^""]+)""")]
    private static partial Regex Include();

    [GeneratedRegex(@"(?m)^kind: (\w+)")]
    private static partial Regex Kind();

    [GeneratedRegex(@"key: ([a-z0-9-]+) \}")]
    private static partial Regex SecretKey();

    [GeneratedRegex(@"(?:name: |^\s+)(Spine__[\w{}$ ]+?)(?::| *$)", RegexOptions.Multiline)]
    private static partial Regex SettingName();
}
