using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Spine.Cli.Commands;

/// <summary>
/// <c>spine bench ... --json</c>: the benchmark runs as it would, its report (Markdown tables and the sentences around
/// them) is captured and written as one JSON document for machines: every table as an array of rows keyed by the
/// column headers (numbers as numbers), and the other lines as notes.
/// </summary>
internal static class BenchJson
{
    public static readonly Option<bool> Option = new("--json")
    {
        Description = "Write the report as one JSON document (tables as rows keyed by their headers) instead of Markdown.",
        Recursive = true,
    };

    /// <summary>Whether the parsed command is a benchmark asked for JSON.</summary>
    public static bool Wanted(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.Errors.Count == 0 && parse.CommandResult.Command.Parents.OfType<Command>().Any(c => c.Name == "bench") && parse.GetValue(Option);
    }

    public static async Task<int> InvokeAsync(ParseResult parse, InvocationConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var console = Console.Out;
        using var captured = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(captured);
        int exitCode;
        try
        {
            exitCode = await parse.InvokeAsync(configuration);
        }
        finally
        {
            Console.SetOut(console);
        }

        var document = Convert(captured.ToString());
        document["benchmark"] = parse.CommandResult.Command.Name;
        document["exitCode"] = exitCode;
        await console.WriteLineAsync(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return exitCode;
    }

    /// <summary>Markdown tables to arrays of rows keyed by their headers; every other non-empty line to a note.</summary>
    public static JsonObject Convert(string markdown)
    {
        ArgumentNullException.ThrowIfNull(markdown);
        var tables = new JsonArray();
        var notes = new JsonArray();
        string[]? headers = null;
        JsonArray? rows = null;
        foreach (var raw in markdown.Split('\n'))
        {
            var line = raw.Trim();
            if (!line.StartsWith('|'))
            {
                (headers, rows) = (null, null);
                if (line.Length > 0)
                {
                    notes.Add(line);
                }

                continue;
            }

            var cells = line.Trim('|').Split('|').Select(c => c.Trim()).ToArray();
            if (headers is null)
            {
                (headers, rows) = (cells, new JsonArray());
                tables.Add(rows);
            }
            else if (cells.All(c => c.Length > 0 && c.Trim(':', '-').Length == 0))
            {
                continue; // the header's separator row
            }
            else
            {
                var row = new JsonObject();
                for (var c = 0; c < Math.Min(headers.Length, cells.Length); c++)
                {
                    row[headers[c]] = double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : cells[c];
                }

                rows!.Add(row);
            }
        }

        return new JsonObject { ["tables"] = tables, ["notes"] = notes };
    }
}
