using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Spine.Deployment.Tests.GoTemplates;

/// <summary>
/// Renders parsed templates against data made of dictionaries, lists, strings, longs, bools and nulls, with the
/// Helm functions this project's chart calls. A missing field renders as empty, as Helm renders it.
/// </summary>
internal sealed class TemplateRenderer(IReadOnlyDictionary<string, List<Node>> defines, string? chartRoot = null)
{
    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

        public void Declare(string name, object? value) => _variables[name] = value;

        public void Assign(string name, object? value)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._variables.ContainsKey(name))
                {
                    scope._variables[name] = value;
                    return;
                }
            }

            throw new FormatException($"assignment to undeclared variable {name}");
        }

        public object? Get(string name)
        {
            for (var scope = this; scope is not null; scope = scope.Parent)
            {
                if (scope._variables.TryGetValue(name, out var value))
                {
                    return value;
                }
            }

            throw new FormatException($"undefined variable {name}");
        }

        public Scope? Parent { get; } = parent;
    }

    public string Render(List<Node> body, object? data)
    {
        var output = new StringBuilder();
        var scope = new Scope(null);
        scope.Declare("$", data);
        Render(body, data, scope, output);
        return output.ToString();
    }

    private void Render(List<Node> nodes, object? dot, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode text:
                    output.Append(text.Text);
                    break;
                case ActionNode { Variable: { } variable } assign:
                    var value = Evaluate(assign.Pipeline, dot, scope);
                    if (assign.Declares)
                    {
                        scope.Declare(variable, value);
                    }
                    else
                    {
                        scope.Assign(variable, value);
                    }

                    break;
                case ActionNode action:
                    output.Append(Print(Evaluate(action.Pipeline, dot, scope)));
                    break;
                case IfNode conditional:
                    Render(IsTrue(Evaluate(conditional.Condition, dot, scope)) ? conditional.Then : conditional.Else, dot, new Scope(scope), output);
                    break;
                case WithNode with:
                    var subject = Evaluate(with.Value, dot, scope);
                    Render(IsTrue(subject) ? with.Body : with.Else, IsTrue(subject) ? subject : dot, new Scope(scope), output);
                    break;
                case RangeNode range:
                    foreach (var (key, item) in Items(Evaluate(range.Over, dot, scope)))
                    {
                        var inner = new Scope(scope);
                        if (range.KeyVariable is { } keyName)
                        {
                            inner.Declare(keyName, key);
                        }

                        if (range.ValueVariable is { } valueName)
                        {
                            inner.Declare(valueName, item);
                        }

                        Render(range.Body, item, inner, output);
                    }

                    break;
            }
        }
    }

    private static IEnumerable<(object Key, object? Value)> Items(object? over) => over switch
    {
        null => [],
        IDictionary<string, object?> map => map.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => ((object)p.Key, p.Value)),
        IList<object?> list => list.Select((v, i) => ((object)(long)i, v)),
        _ => throw new FormatException($"range over {over.GetType().Name}"),
    };

    private object? Evaluate(Pipeline pipeline, object? dot, Scope scope)
    {
        object? result = null;
        var first = true;
        foreach (var command in pipeline.Commands)
        {
            result = Execute(command, dot, scope, first ? null : new Piped(result));
            first = false;
        }

        return result;
    }

    /// <summary>The value piped into a command: its last argument.</summary>
    private sealed record Piped(object? Value);

    private object? Execute(Command command, object? dot, Scope scope, Piped? piped)
    {
        if (command.Operands[0] is FunctionOperand function)
        {
            var arguments = command.Operands.Skip(1).Select(o => Value(o, dot, scope)).ToList();
            if (piped is not null)
            {
                arguments.Add(piped.Value);
            }

            return Call(function.Name, arguments);
        }

        // Helm's .Files.Get "PATH": a file of the chart, as text.
        if (command.Operands[0] is FieldOperand { Variable: null, Fields: ["Files", "Get"] } && command.Operands.Count == 2 && piped is null && chartRoot is not null)
        {
            var path = (string)Value(command.Operands[1], dot, scope)!;
            return File.ReadAllText(Path.Combine(chartRoot, path));
        }

        if (command.Operands.Count != 1 || piped is not null)
        {
            throw new FormatException("a value cannot take arguments");
        }

        return Value(command.Operands[0], dot, scope);
    }

    private object? Value(Operand operand, object? dot, Scope scope) => operand switch
    {
        LiteralOperand literal => literal.Value,
        NestedOperand nested => Evaluate(nested.Pipeline, dot, scope),
        FieldOperand field => field.Fields.Aggregate(field.Variable is null ? dot : scope.Get(field.Variable), Field),
        FunctionOperand function => Call(function.Name, []),
        _ => throw new FormatException($"unknown operand {operand}"),
    };

    private static object? Field(object? from, string name) => from switch
    {
        IDictionary<string, object?> map => map.TryGetValue(name, out var value) ? value : null,
        null => null,
        _ => throw new FormatException($"field {name} of a {from.GetType().Name}"),
    };

    private object? Call(string name, List<object?> a) => name switch
    {
        "include" => Render(defines.TryGetValue((string)a[0]!, out var body) ? body : throw new FormatException($"no template \"{a[0]}\""), a[1]),
        "dict" => Enumerable.Range(0, a.Count / 2).ToDictionary(i => (string)a[2 * i]!, i => a[(2 * i) + 1]),
        "index" => Field(a[0], (string)a[1]!),
        "ternary" => IsTrue(a[2]) ? a[0] : a[1],
        "default" => IsTrue(a[1]) ? a[1] : a[0],
        "not" => !IsTrue(a[0]),
        "eq" => Equals(Normalise(a[0]), Normalise(a[1])),
        "int" => Convert.ToInt64(a[0], CultureInfo.InvariantCulture),
        "printf" => Printf((string)a[0]!, a.Skip(1).ToList()),
        "print" => string.Concat(a.Select(Print)),
        "quote" => "\"" + Print(a[0]).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"",
        "trunc" => Print(a[1]) is var s && s.Length > (long)a[0]! ? s[..(int)(long)a[0]!] : Print(a[1]),
        "trimSuffix" => Print(a[1]).EndsWith((string)a[0]!, StringComparison.Ordinal) ? Print(a[1])[..^((string)a[0]!).Length] : Print(a[1]),
        "join" => string.Join((string)a[0]!, ((IList<object?>)a[1]!).Select(Print)),
        "sha256sum" => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Print(a[0])))),
        "toYaml" => HelmYaml.Write(a[0]),
        "nindent" => "\n" + Indent((long)a[0]!, Print(a[1])),
        "indent" => Indent((long)a[0]!, Print(a[1])),
        _ => throw new FormatException($"function {name} is not supported by the test renderer"),
    };

    private static object? Normalise(object? value) => value is int i ? (long)i : value;

    private static string Printf(string format, List<object?> arguments)
    {
        var parts = format.Split("%s");
        return parts.Length - 1 == arguments.Count
            ? string.Concat(parts.Zip(arguments.Append(string.Empty), (part, argument) => part + Print(argument)))
            : throw new FormatException($"printf \"{format}\" supports %s only, one per argument");
    }

    private static string Indent(long spaces, string text) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', (int)spaces) + line));

    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        long n => n != 0,
        System.Collections.ICollection c => c.Count > 0,
        _ => true,
    };

    private static string Print(object? value) => value switch
    {
        null => string.Empty,
        bool b => b ? "true" : "false",
        long n => n.ToString(CultureInfo.InvariantCulture),
        string s => s,
        _ => throw new FormatException($"cannot print a {value.GetType().Name}"),
    };
}
