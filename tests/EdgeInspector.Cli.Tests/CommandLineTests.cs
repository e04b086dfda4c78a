using System.Text.RegularExpressions;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>The command surface: help on every verb, suggestions, completions, and every invocation the docs show.</summary>
public sealed partial class CommandLineTests
{
    public static TheoryData<string> Verbs() => [.. CommandTree.VerbNames];

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task Every_verb_has_help(string verb)
    {
        foreach (string flag in new[] { "--help", "-h" })
        {
            var (code, stdout, stderr) = await CliRun.RunAsync(verb, flag);

            Assert.True(code == 0, stderr);
            // The root's name is the process's: edge-inspector when installed, testhost here.
            Assert.Contains("Usage:", stdout, StringComparison.Ordinal);
            Assert.Matches($@" {verb} (\[<\w+>\] )?\[options\]", stdout);
            Assert.Contains("--help", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_lists_the_verbs_options()
    {
        var (_, stdout, _) = await CliRun.RunAsync("push", "--package", "pkg", "--help");

        foreach (string option in new[] { "--package <PKG>", "--broker <URI>", "--fleet <FLEET.json>", "--rollback-on-abort" })
        {
            Assert.Contains(option, stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Typos_get_a_suggestion_and_the_messages_and_exit_codes_of_before()
    {
        var verb = await CliRun.RunAsync("pusj");
        Assert.Equal(2, verb.Code);
        Assert.Contains("unknown command 'pusj'", verb.Err, StringComparison.Ordinal);
        Assert.Contains("did you mean push?", verb.Err, StringComparison.Ordinal);

        var option = await CliRun.RunAsync("push", "--pakage", "x");
        Assert.Equal(2, option.Code);
        Assert.Contains("error: push: unknown argument '--pakage' (run 'edge-inspector help'); did you mean --package?", option.Err, StringComparison.Ordinal);

        var missing = await CliRun.RunAsync("eval", "--model");
        Assert.Equal(2, missing.Code);
        Assert.Contains("eval: --model needs a value", missing.Err, StringComparison.Ordinal);

        Assert.Equal(2, (await CliRun.RunAsync()).Code);
        Assert.Equal(0, (await CliRun.RunAsync("--help")).Code);
    }

    [Fact]
    public void System_CommandLine_parses_and_its_errors_read_as_before()
    {
        var a = CommandTree.Parse("eval", ["--model=pkg", "--data", "@data", "--json"]);
        Assert.Equal("pkg", a.Value("--model"));
        Assert.Equal("@data", a.Value("--data")); // no response-file expansion: a path may start with @
        Assert.True(a.Flag("--json"));
        Assert.False(a.Flag("--write-threshold"));
        Assert.Null(a.Value("--out"));

        Assert.Equal("eval: --model is given more than once", Refused("eval", "--model", "a", "--model", "b"));
        Assert.Equal("eval: --json takes no value, got '--json=true'", Refused("eval", "--json=true"));
        Assert.Equal("status: --settle-ms must be an integer in 0..60000, got '-5'", Assert.Throws<CliException>(() => CommandTree.Parse("status", ["--settle-ms=-5"]).Int("--settle-ms", 1500, 0, 60_000)).Message);
        Assert.StartsWith("completion: Argument 'zsh' not recognized. Must be one of: 'bash'", Refused("completion", "zsh"), StringComparison.Ordinal);
        Assert.Equal("weights: unknown argument 'extra' (run 'edge-inspector help')", Refused("weights", "extra"));

        static string Refused(string verb, params string[] args) => Assert.Throws<CliException>(() => CommandTree.Parse(verb, args)).Message;
    }

    [Fact]
    public async Task Completions_come_from_the_command_tree()
    {
        var verbs = await CliRun.RunAsync("[suggest:17]", "edge-inspector pu");
        Assert.Equal(0, verbs.Code);
        Assert.Equal(["push"], verbs.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

        var options = await CliRun.RunAsync("[suggest:26]", "edge-inspector push --rollb");
        Assert.Contains("--rollback-key", options.Out, StringComparison.Ordinal);
        Assert.Contains("--rollback-on-abort", options.Out, StringComparison.Ordinal);

        var script = await CliRun.RunAsync("completion", "bash");
        Assert.Equal(0, script.Code);
        Assert.Contains("complete -o default -F _edge_inspector_complete edge-inspector", script.Out, StringComparison.Ordinal);
    }

    /// <summary>Every edge-inspector command line in README.md and docs/ still parses: no option it uses became unknown or lost its value.</summary>
    [Fact]
    public void The_invocations_in_the_docs_still_parse()
    {
        var checkedLines = new List<string>();
        var files = new[] { Path.Combine(RepoPaths.Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md"));
        foreach (string file in files)
        {
            string text = File.ReadAllText(file).Replace("\\\n", " ", StringComparison.Ordinal);
            foreach (Match m in Invocation().Matches(text))
            {
                string verb = m.Groups["verb"].Value;
                if (!CommandTree.IsVerb(verb))
                {
                    continue;
                }

                string[] args = Tokens(m.Groups["rest"].Value);
                if (args.Length > 0 && args[^1].StartsWith("--", StringComparison.Ordinal) && NeedsValue(verb, args[^1]))
                {
                    args = [.. args, "VALUE"]; // prose naming an option ("push --fleet"), not a full command line
                }

                try
                {
                    _ = CommandTree.Parse(verb, args);
                }
                catch (CliException e)
                {
                    Assert.Fail($"{Path.GetFileName(file)}: 'edge-inspector {verb} {string.Join(' ', args)}' no longer parses: {e.Message}");
                }

                checkedLines.Add($"{verb} {string.Join(' ', args)}");
            }
        }

        Assert.True(checkedLines.Count >= 20, string.Join("\n", checkedLines));
        Assert.Contains(checkedLines, l => l.StartsWith("push --package", StringComparison.Ordinal));
        Assert.Contains(checkedLines, l => l.StartsWith("web --broker", StringComparison.Ordinal));
    }

    private static bool NeedsValue(string verb, string option)
    {
        try
        {
            _ = CommandTree.Parse(verb, [option]);
            return false;
        }
        catch (CliException e)
        {
            return e.Message.Contains($"{option} needs a value", StringComparison.Ordinal);
        }
    }

    /// <summary>The words of a documented command line, without optional-part brackets, alternatives and placeholders like "...".</summary>
    private static string[] Tokens(string rest)
    {
        var words = new List<string>();
        rest = Placeholder().Replace(rest, " "); // "[connection options]", "[options above]"
        foreach (string raw in rest.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string word = raw.Trim('[', ']', '`', ',', ';', ')', '(');
            if (word.Length == 0 || word is "|" or "..." or "…" || word.StartsWith('#') || word.StartsWith('>'))
            {
                if (word.StartsWith('#'))
                {
                    break;
                }

                continue;
            }

            // "--a X | --b Y" alternatives: keep both; "--x|--y" in one word: the first.
            words.Add(word.Contains("|--", StringComparison.Ordinal) ? word[..word.IndexOf('|', StringComparison.Ordinal)] : word);
        }

        return [.. words];
    }

    [GeneratedRegex(@"\[[^\]\-][^\]]*\]")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"edge-inspector (?<verb>[a-z][a-z-]*)(?<rest>[^`\n""$)]*)")]
    private static partial Regex Invocation();
}
