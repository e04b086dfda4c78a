namespace EdgeInspector.Cli.Tests;

/// <summary>A push at a terminal: its lines reach the console and each device gets a bar of the chunks it holds.</summary>
public sealed class LiveProgressTests
{
    [Fact]
    public async Task Lines_and_a_bar_per_device_reach_the_console_and_the_push_result_comes_back()
    {
        var output = new StringWriter();
        var console = RecordingConsole.Create(output, live: true);

        int result = await LiveProgress.RunAsync(console, live =>
        {
            live.Lines.WriteLine("offering demo v2 to cell[1]");
            var chunks = live.Bar("cell[1]");
            chunks(3, 8);
            chunks(8, 8);
            return Task.FromResult(42);
        });

        Assert.Equal(42, result);
        string text = output.ToString();
        Assert.Contains("offering demo v2 to cell[1]", text, StringComparison.Ordinal);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, @"cell\[1\].*100%"), text);
    }
}
