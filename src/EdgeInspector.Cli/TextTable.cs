using Spectre.Console;

namespace EdgeInspector.Cli;

/// <summary>
/// A result table for a person or for a script. At a terminal (stdout is the console and not
/// redirected) Spectre.Console draws it with borders; anywhere else (a pipe, a file, a test's
/// writer) it is plain text: the header line, then one line per row, columns left-aligned and
/// two spaces apart, which is what scripts and tests parse.
/// </summary>
public static class TextTable
{
    private const int PairNameWidth = 13;

    /// <summary>A summary of named values: a two-column table at a terminal, "name" padded to 13 then the value otherwise.</summary>
    public static void WritePairs(TextWriter output, IReadOnlyList<(string Name, string Value)> pairs)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Terminal.For(output) is { } console)
        {
            var grid = new Grid().AddColumn(new GridColumn().PadRight(2)).AddColumn();
            foreach (var (name, value) in pairs)
            {
                grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
            }

            console.Write(grid);
            return;
        }

        foreach (var (name, value) in pairs)
        {
            output.WriteLine($"{name.PadRight(PairNameWidth)}{value}");
        }
    }

    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) =>
        Write(output, header, rows, Terminal.For(output));

    /// <summary>The same table on a given console (a terminal, or a test's recording console), or plain when there is none.</summary>
    public static void Write(TextWriter output, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, IAnsiConsole? console)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        var lines = rows.ToList();
        if (console is not null)
        {
            var table = new Table().Border(TableBorder.Rounded);
            foreach (string h in header)
            {
                table.AddColumn(new TableColumn(new Text(h, new Style(decoration: Decoration.Bold))));
            }

            foreach (var row in lines)
            {
                table.AddRow(row.Select(c => new Text(c)));
            }

            console.Write(table);
            return;
        }

        int[] widths = [.. header.Select((h, i) => lines.Select(r => r[i].Length).Append(h.Length).Max())];
        output.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in lines)
        {
            output.WriteLine(string.Join("  ", row.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        }
    }
}
