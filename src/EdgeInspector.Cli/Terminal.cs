using Spectre.Console;

namespace EdgeInspector.Cli;

/// <summary>Whether a writer reaches a person: only the process's own stdout, and only while it is not redirected.</summary>
public static class Terminal
{
    public static IAnsiConsole? For(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiConsole.Console : null;
}
