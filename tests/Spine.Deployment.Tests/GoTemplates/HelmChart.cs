using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Spine.Deployment.Tests.GoTemplates;

/// <summary>A Helm chart rendered as <c>helm template</c> would: values (with overrides) merged, every template rendered.</summary>
internal sealed class HelmChart
{
    private readonly string _root;
    private readonly Dictionary<string, List<Node>> _defines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Node>> _files = new(StringComparer.Ordinal);

    public HelmChart(string root)
    {
        _root = root;
        var name = Path.GetFileName(root);
        foreach (var path in Directory.EnumerateFiles(Path.Combine(root, "templates")).Order(StringComparer.Ordinal))
        {
            var templateName = $"{name}/templates/{Path.GetFileName(path)}";
            var (body, defines) = TemplateParser.Parse(File.ReadAllText(path), templateName);
            foreach (var (define, nodes) in defines)
            {
                _defines[define] = nodes;
            }

            _defines[templateName] = body;
            if (!Path.GetFileName(path).StartsWith('_'))
            {
                _files[Path.GetFileName(path)] = body;
            }
        }

        Chart = (Dictionary<string, object?>)Load(Path.Combine(root, "Chart.yaml"))!;
    }

    public Dictionary<string, object?> Chart { get; }

    public Dictionary<string, object?> Values() => (Dictionary<string, object?>)Load(Path.Combine(_root, "values.yaml"))!;

    /// <summary>Every template file's output by file name (helpers left out), for a release named <paramref name="release"/>.</summary>
    public Dictionary<string, string> Render(string release, IReadOnlyDictionary<string, object?>? overrides = null)
    {
        var values = Values();
        if (overrides is not null)
        {
            Merge(values, overrides);
        }

        var top = new Dictionary<string, object?>
        {
            ["Values"] = values,
            ["Release"] = new Dictionary<string, object?> { ["Name"] = release, ["Namespace"] = "spine", ["Service"] = "Helm" },
            ["Chart"] = new Dictionary<string, object?> { ["Name"] = Chart["name"], ["Version"] = Chart["version"], ["AppVersion"] = Chart["appVersion"] },
            ["Template"] = new Dictionary<string, object?> { ["BasePath"] = $"{Path.GetFileName(_root)}/templates" },
        };
        var renderer = new TemplateRenderer(_defines, _root);
        return _files.ToDictionary(f => f.Key, f => renderer.Render(f.Value, top));
    }

    /// <summary>Overrides in dotted form (<c>services.segmentation.gpu.enabled</c>) or nested dictionaries.</summary>
    private static void Merge(Dictionary<string, object?> into, IReadOnlyDictionary<string, object?> overrides)
    {
        foreach (var (key, value) in overrides)
        {
            var path = key.Split('.');
            var target = into;
            foreach (var part in path[..^1])
            {
                target = (Dictionary<string, object?>)target[part]!;
            }

            target[path[^1]] = value;
        }
    }

    private static object? Load(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return Convert(stream.Documents[0].RootNode);
    }

    /// <summary>YAML to plain data, typing plain scalars as YAML 1.2's core schema does (quoted ones stay strings).</summary>
    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => map.Children.ToDictionary(c => ((YamlScalarNode)c.Key).Value!, c => Convert(c.Value), StringComparer.Ordinal),
        YamlSequenceNode list => list.Children.Select(Convert).ToList(),
        YamlScalarNode { Style: ScalarStyle.Plain, Value: var text } => text switch
        {
            null or "" or "~" or "null" => null,
            "true" => true,
            "false" => false,
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => text,
        },
        YamlScalarNode scalar => scalar.Value,
        _ => throw new FormatException($"unexpected YAML node {node.NodeType}"),
    };
}
