using Spectre.Console;

namespace EdgeInspector.Cli.Tests;

/// <summary>A Spectre.Console console that writes into a test's writer, without colours.</summary>
internal static class RecordingConsole
{
    /// <param name="live">true: a terminal as Spectre sees one (cursor control, so live bars are drawn); false: plain text.</param>
    public static IAnsiConsole Create(TextWriter output, bool live) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = live ? AnsiSupport.Yes : AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = live ? InteractionSupport.Yes : InteractionSupport.No,
        Out = new AnsiConsoleOutput(output),
    });
}
