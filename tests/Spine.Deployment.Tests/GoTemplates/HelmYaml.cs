using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Spine.Deployment.Tests.GoTemplates;

/// <summary>Helm's toYaml for plain data: block style, keys sorted, strings quoted when YAML would read them as another type.</summary>
internal static partial class HelmYaml
{
    public static string Write(object? value)
    {
        var output = new StringBuilder();
        Write(value, 0, output);
        return output.ToString().TrimEnd('\n');
    }

    private static void Write(object? value, int indent, StringBuilder output)
    {
        var pad = new string(' ', indent);
        switch (value)
        {
            case IDictionary<string, object?> { Count: 0 }:
                output.Append(pad).Append("{}\n");
                break;
            case IDictionary<string, object?> map:
                foreach (var (key, item) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    output.Append(pad).Append(Scalar(key)).Append(':');
                    WriteChild(item, indent, output, inSequence: false);
                }

                break;
            case IList<object?> { Count: 0 }:
                output.Append(pad).Append("[]\n");
                break;
            case IList<object?> list:
                foreach (var item in list)
                {
                    output.Append(pad).Append('-');
                    WriteChild(item, indent, output, inSequence: true);
                }

                break;
            default:
                output.Append(pad).Append(Scalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteChild(object? item, int indent, StringBuilder output, bool inSequence)
    {
        if (item is IDictionary<string, object?> { Count: > 0 } map && inSequence)
        {
            // "- key: value" with the rest of the mapping aligned under the first key.
            var nested = new StringBuilder();
            Write(map, indent + 2, nested);
            output.Append(' ').Append(nested.ToString()[(indent + 2)..]);
        }
        else if (item is IDictionary<string, object?> { Count: > 0 } or IList<object?> { Count: > 0 })
        {
            output.Append('\n');
            Write(item, item is IList<object?> && !inSequence ? indent : indent + 2, output);
        }
        else
        {
            output.Append(' ');
            Write(item, 0, output);
        }
    }

    private static string Scalar(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        string s when NeedsQuotes(s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        string s => s,
        _ => throw new FormatException($"toYaml of a {value.GetType().Name}"),
    };

    private static bool NeedsQuotes(string s) =>
        s.Length == 0 || s is "true" or "false" or "null" or "~" or "yes" or "no" || Number().IsMatch(s) || Special().IsMatch(s);

    [GeneratedRegex(@"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")]
    private static partial Regex Number();

    [GeneratedRegex(@"^[\s\-?:,\[\]{}#&*!|>'""%@`]|: | #|\s$")]
    private static partial Regex Special();
}
