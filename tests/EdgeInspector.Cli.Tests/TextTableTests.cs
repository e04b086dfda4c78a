namespace EdgeInspector.Cli.Tests;

/// <summary>Result tables: plain columns for scripts, a Spectre.Console table for a person at a terminal.</summary>
public sealed class TextTableTests
{
    private static readonly string[] Header = ["device", "state", "last error"];
    private static readonly string[][] Rows = [["cell1", "running", "-"], ["cell22", "stopped", "camera [lost]"]];

    [Fact]
    public void A_writer_that_is_not_the_terminal_gets_plain_columns_two_spaces_apart()
    {
        var output = new StringWriter();

        TextTable.Write(output, Header, Rows);

        Assert.Equal(
            ["device  state    last error", "cell1   running  -", "cell22  stopped  camera [lost]"],
            output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void A_console_gets_a_bordered_table_with_every_cell_as_text_not_markup()
    {
        var output = new StringWriter();
        var console = RecordingConsole.Create(output, live: false);

        TextTable.Write(output, Header, Rows, console);

        string text = output.ToString();
        Assert.Contains("╭", text, StringComparison.Ordinal);
        Assert.Matches(@"│ device +│ state +│ last error +│", text);
        Assert.Matches(@"│ cell22 +│ stopped +│ camera \[lost\] +│", text);
    }

    [Fact]
    public void Named_values_without_a_terminal_keep_the_aligned_name_layout()
    {
        var output = new StringWriter();

        TextTable.WritePairs(output, [("image AUROC", "0.9876"), ("AUPRO", "- (no masks)")]);

        Assert.Equal(["image AUROC  0.9876", "AUPRO        - (no masks)"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
