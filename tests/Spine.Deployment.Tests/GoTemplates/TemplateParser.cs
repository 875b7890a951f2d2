using System.Text;

namespace Spine.Deployment.Tests.GoTemplates;

// The part of Go's text/template that Helm charts are written in, enough to render this project's chart in tests
// (Helm cannot be installed on the build machine). Not a general implementation: what the chart does not use is
// refused with an error naming it, so a template that outgrows this fails loudly rather than rendering wrongly.

internal abstract record Node;

internal sealed record TextNode(string Text) : Node;

/// <summary>{{ pipeline }}, {{ $x := pipeline }} or {{ $x = pipeline }}.</summary>
internal sealed record ActionNode(Pipeline Pipeline, string? Variable, bool Declares) : Node;

internal sealed record IfNode(Pipeline Condition, List<Node> Then, List<Node> Else) : Node;

internal sealed record WithNode(Pipeline Value, List<Node> Body, List<Node> Else) : Node;

internal sealed record RangeNode(string? KeyVariable, string? ValueVariable, Pipeline Over, List<Node> Body) : Node;

internal sealed record Pipeline(List<Command> Commands);

internal sealed record Command(List<Operand> Operands);

internal abstract record Operand;

internal sealed record LiteralOperand(object? Value) : Operand;

/// <summary>A field chain from the dot (<c>.a.b</c>, or <c>.</c> alone) or from a variable (<c>$x.a</c>, <c>$</c>).</summary>
internal sealed record FieldOperand(string? Variable, IReadOnlyList<string> Fields) : Operand;

internal sealed record FunctionOperand(string Name) : Operand;

internal sealed record NestedOperand(Pipeline Pipeline) : Operand;

internal sealed class TemplateParser
{
    private readonly List<(bool IsAction, string Text)> _tokens;
    private int _next;

    private TemplateParser(List<(bool, string)> tokens) => _tokens = tokens;

    /// <summary>Parses a template file: its body, and the named templates it defines.</summary>
    public static (List<Node> Body, Dictionary<string, List<Node>> Defines) Parse(string text, string name)
    {
        var parser = new TemplateParser(Tokenize(text, name));
        var defines = new Dictionary<string, List<Node>>(StringComparer.Ordinal);
        var body = parser.ParseList(defines, out var end);
        if (end is not null)
        {
            throw new FormatException($"{name}: '{{{{{end}}}}}' without a block to end");
        }

        return (body, defines);
    }

    /// <summary>Splits into text and actions, applying the trim markers and dropping comments.</summary>
    private static List<(bool, string)> Tokenize(string text, string name)
    {
        var tokens = new List<(bool, string)>();
        var position = 0;
        var trimNext = false;
        while (position < text.Length)
        {
            var open = text.IndexOf("{{", position, StringComparison.Ordinal);
            var literal = open < 0 ? text[position..] : text[position..open];
            if (trimNext)
            {
                literal = literal.TrimStart();
            }

            if (open < 0)
            {
                tokens.Add((false, literal));
                break;
            }

            var close = text.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new FormatException($"{name}: unclosed action at offset {open}");
            }

            var action = text[(open + 2)..close];
            if (action.StartsWith('-'))
            {
                literal = literal.TrimEnd();
                action = action[1..];
            }

            trimNext = action.EndsWith('-');
            if (trimNext)
            {
                action = action[..^1];
            }

            tokens.Add((false, literal));
            action = action.Trim();
            if (!action.StartsWith("/*", StringComparison.Ordinal))
            {
                tokens.Add((true, action));
            }

            position = close + 2;
        }

        return tokens;
    }

    /// <summary>Nodes up to an {{end}} or {{else}} (returned in <paramref name="end"/>) or the end of the file.</summary>
    private List<Node> ParseList(Dictionary<string, List<Node>> defines, out string? end)
    {
        var nodes = new List<Node>();
        while (_next < _tokens.Count)
        {
            var (isAction, text) = _tokens[_next++];
            if (!isAction)
            {
                if (text.Length > 0)
                {
                    nodes.Add(new TextNode(text));
                }

                continue;
            }

            var (keyword, rest) = SplitKeyword(text);
            switch (keyword)
            {
                case "end" or "else":
                    end = keyword;
                    return nodes;
                case "define":
                    var defineName = (string)((LiteralOperand)ExpressionParser.Parse(rest).Commands[0].Operands[0]).Value!;
                    defines[defineName] = ParseBlock(defines, allowElse: false).Body;
                    break;
                case "if":
                    var (then, otherwise) = ParseBlock(defines, allowElse: true);
                    nodes.Add(new IfNode(ExpressionParser.Parse(rest), then, otherwise));
                    break;
                case "with":
                    var (body, withElse) = ParseBlock(defines, allowElse: true);
                    nodes.Add(new WithNode(ExpressionParser.Parse(rest), body, withElse));
                    break;
                case "range":
                    var (key, value, over) = ParseRangeClause(rest);
                    nodes.Add(new RangeNode(key, value, over, ParseBlock(defines, allowElse: false).Body));
                    break;
                default:
                    nodes.Add(ParseAction(text));
                    break;
            }
        }

        end = null;
        return nodes;
    }

    private (List<Node> Body, List<Node> Else) ParseBlock(Dictionary<string, List<Node>> defines, bool allowElse)
    {
        var body = ParseList(defines, out var end);
        if (end == "else" && allowElse)
        {
            var otherwise = ParseList(defines, out end);
            return end == "end" ? (body, otherwise) : throw new FormatException("'else' block without 'end'");
        }

        return end == "end" ? (body, []) : throw new FormatException($"block ended by '{end ?? "end of file"}'");
    }

    private static (string Keyword, string Arguments) SplitKeyword(string action)
    {
        var space = action.IndexOfAny([' ', '\t', '\n']);
        var word = space < 0 ? action : action[..space];
        return word is "if" or "with" or "range" or "define" or "end" or "else" ? (word, space < 0 ? string.Empty : action[(space + 1)..].Trim()) : (string.Empty, action);
    }

    private static (string? Key, string? Value, Pipeline Over) ParseRangeClause(string clause)
    {
        var declare = clause.IndexOf(":=", StringComparison.Ordinal);
        if (declare < 0)
        {
            return (null, null, ExpressionParser.Parse(clause));
        }

        var variables = clause[..declare].Split(',', StringSplitOptions.TrimEntries);
        var over = ExpressionParser.Parse(clause[(declare + 2)..]);
        return variables.Length == 2 ? (variables[0], variables[1], over) : (null, variables[0], over);
    }

    private static ActionNode ParseAction(string action)
    {
        foreach (var (op, declares) in new[] { (":=", true), ("=", false) })
        {
            var at = action.IndexOf(op, StringComparison.Ordinal);
            if (action.StartsWith('$') && at > 0 && action[..at].Trim() is var variable && variable.All(c => c == '$' || char.IsLetterOrDigit(c) || c == '_'))
            {
                return new ActionNode(ExpressionParser.Parse(action[(at + op.Length)..]), variable, declares);
            }
        }

        return new ActionNode(ExpressionParser.Parse(action), null, false);
    }
}

/// <summary>Pipelines: commands separated by '|', each a function with arguments or a single value.</summary>
internal sealed class ExpressionParser
{
    private readonly string _text;
    private int _position;

    private ExpressionParser(string text) => _text = text;

    public static Pipeline Parse(string text)
    {
        var parser = new ExpressionParser(text);
        var pipeline = parser.ParsePipeline();
        parser.SkipSpace();
        return parser._position == text.Length ? pipeline : throw new FormatException($"unexpected '{text[parser._position..]}' in '{text}'");
    }

    private Pipeline ParsePipeline()
    {
        var commands = new List<Command> { ParseCommand() };
        while (Peek() == '|')
        {
            _position++;
            commands.Add(ParseCommand());
        }

        return new Pipeline(commands);
    }

    private Command ParseCommand()
    {
        var operands = new List<Operand>();
        while (Peek() is { } c && c != '|' && c != ')')
        {
            operands.Add(ParseOperand());
        }

        return operands.Count > 0 ? new Command(operands) : throw new FormatException($"empty command in '{_text}'");
    }

    private Operand ParseOperand()
    {
        SkipSpace();
        var c = _text[_position];
        if (c == '(')
        {
            _position++;
            var nested = ParsePipeline();
            SkipSpace();
            Expect(')');
            return new NestedOperand(nested);
        }

        if (c == '"')
        {
            var value = new StringBuilder();
            for (_position++; _text[_position] != '"'; _position++)
            {
                value.Append(_text[_position] == '\\' ? Escaped(_text[++_position]) : _text[_position]);
            }

            _position++;
            return new LiteralOperand(value.ToString());
        }

        var word = ReadWord();
        if (word.StartsWith('.') || word.StartsWith('$'))
        {
            var parts = word.Split('.');
            var variable = word.StartsWith('$') ? parts[0] : null;
            return new FieldOperand(variable, [.. parts.Skip(1).Where(p => p.Length > 0)]);
        }

        if (long.TryParse(word, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return new LiteralOperand(number);
        }

        return word switch
        {
            "true" => new LiteralOperand(true),
            "false" => new LiteralOperand(false),
            "nil" => new LiteralOperand(null),
            _ => new FunctionOperand(word),
        };
    }

    private static char Escaped(char c) => c switch { 'n' => '\n', 't' => '\t', _ => c };

    private string ReadWord()
    {
        var start = _position;
        while (_position < _text.Length && !char.IsWhiteSpace(_text[_position]) && _text[_position] is not ('|' or '(' or ')'))
        {
            _position++;
        }

        return _text[start.._position];
    }

    private char? Peek()
    {
        SkipSpace();
        return _position < _text.Length ? _text[_position] : null;
    }

    private void SkipSpace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private void Expect(char c)
    {
        if (_position >= _text.Length || _text[_position] != c)
        {
            throw new FormatException($"expected '{c}' in '{_text}'");
        }

        _position++;
    }
}
