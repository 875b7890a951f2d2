using System.Text;

namespace Spine.Evaluation.Validation;

/// <summary>One record of a CSV file: its fields and the line it starts on (1-based, as an editor shows it).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// RFC 4180 CSV: comma-separated, fields in double quotes may hold commas, quotes (doubled) and line breaks; a byte
/// order mark and blank lines are ignored. Written here because the readings of a hospital and RSNA's tables are the
/// only CSV the platform reads.
/// </summary>
public static class Csv
{
    public static IReadOnlyList<CsvRecord> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Parse(File.ReadAllText(path, Encoding.UTF8));
    }

    public static IReadOnlyList<CsvRecord> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        var (line, recordLine, quoted, fieldStarted) = (1, 1, false, false);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    field.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '\uFEFF' when i == 0:
                    break;
                case '"' when field.Length == 0:
                    (quoted, fieldStarted) = (true, true);
                    break;
                case ',':
                    fields.Add(field.ToString());
                    (field.Length, fieldStarted) = (0, true);
                    break;
                case '\r':
                    break;
                case '\n':
                    End();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    break;
            }
        }

        End();
        return records;

        void End()
        {
            if (fieldStarted || field.Length > 0 || fields.Count > 0)
            {
                fields.Add(field.ToString());
                records.Add(new CsvRecord(recordLine, [.. fields]));
            }

            fields.Clear();
            (field.Length, fieldStarted) = (0, false);
        }
    }
}

/// <summary>A problem in an input file, named by file, line and column, so that the person who exported it can find it.</summary>
public sealed record InputProblem(string File, int? Line, string? Column, string Reason)
{
    public override string ToString() =>
        File + (Line is { } l ? $", line {l}" : string.Empty) + (Column is { } c ? $", column '{c}'" : string.Empty) + ": " + Reason;
}
