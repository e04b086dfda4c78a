using System.CommandLine;
using System.CommandLine.Parsing;

namespace EdgeInspector.Cli;

/// <summary>
/// Every verb of edge-inspector and its options, declared once as a System.CommandLine tree: it gives
/// <c>VERB --help</c>, shell completions (the <c>[suggest]</c> directive, <c>edge-inspector completion bash</c>)
/// typo suggestions, and parses every verb's command line (<see cref="Parse"/>); <see cref="Arguments"/>
/// reads and range-checks the values, so validation messages and exit codes stay what scripts rely on.
/// </summary>
internal static class CommandTree
{
    private const string Broker = "mqtt://host:1883, or mqtts://host:8883 for TLS";

    /// <summary>The connection options shared by status, web, push and rollback.</summary>
    private static readonly (string Name, string? Value, string Help)[] Connection =
    [
        ("--broker", "URI", $"the plant broker: {Broker}"),
        ("--topic-root", "ROOT", "MQTT topic root of the fleet (default edgeinspector)"),
        ("--ca", "CA.pem", "trust this private CA for mqtts://"),
        ("--cert", "CLIENT.pem", "client certificate for mutual TLS (the identity the broker's ACL checks)"),
        ("--username", "U", "broker user name"),
        ("--password", "P", "broker password"),
    ];

    private static readonly (string Name, string? Value, string Help) ClientKey = ("--key", "CLIENT.key", "the client certificate's private key");

    /// <summary>verb, description, options (a null value name marks a flag).</summary>
    private static readonly (string Verb, string Description, (string Name, string? Value, string Help)[] Options)[] Verbs =
    [
        ("eval", "Scores a test set through the agent's own serving path: image AUROC, AP, F1-max and its threshold; pixel AUROC and AUPRO when masks exist.",
        [
            ("--model", "PKG", "model package folder"), ("--data", "DIR", "MVTec layout (test/good, test/<defect>, ground_truth) or several categories"),
            ("--precision", "fp32|int8", "score model.onnx (fp32, default) or model.int8.onnx"), ("--out", "REPORT_DIR", "write roc_pr.png, scores.png and gallery.png"),
            ("--json", null, "print the report as JSON"), ("--write-threshold", null, "store the F1-optimal threshold in the package's manifest"),
        ]),
        ("enroll", "Builds a few-shot memory bank from good images into a copy of the package (version + 1).",
        [
            ("--model", "PKG", "model package folder"), ("--good", "DIR", "good parts' images"), ("--out", "PKG2", "the new package folder"),
            ("--max-bank", "N", "memory bank size after the coreset"), ("--json", null, "print the result as JSON"),
        ]),
        ("capture", "Saves full-resolution PNGs from the line's camera for a dataset.",
        [
            ("--camera", "CAMERA", "aravis[:ID], spinnaker[:SERIAL], spinnakernet[:SERIAL], opencv:SOURCE or replay:DIR"), ("--out", "DIR", "where the PNGs go"),
            ("--count", "N", "how many frames (default 50)"), ("--interval-ms", "MS", "pause between frames (default 0)"),
        ]),
        ("demo-images", "Writes the agent's deterministic synthetic parts, or parts cut from a real photograph.",
        [
            ("--out", "DIR", "where the images go"), ("--count", "N", "how many (default 40)"), ("--seed", "S", "random seed (default 7)"),
            ("--defect-fraction", "F", "share of defective parts (default 0.3)"), ("--surface", "NAME", "brushed-metal, cast-metal, woven-fabric or moulded-plastic"),
            ("--photo", "NAME", "brick, grass or gravel: crops of a real photograph"), ("--photo-dir", "DIR", "where NAME.png is (default: python3-skimage's data)"),
            ("--photo-split", "train|test", "which part of the photograph the crops come from"), ("--brightness-jitter", "J", "gain 1 +- J per part (default 0.05)"),
            ("--mvtec", null, "sort into test/<kind> with ground_truth masks"),
        ]),
        ("status", "Every device's retained status as one table.",
        [.. Connection, ClientKey, ("--settle-ms", "MS", "how long to collect retained statuses (default 1500)"), ("--watch", null, "redraw on every change")]),
        ("web", "The live web view: a fleet page and one page per device, fed from the broker over server-sent events.",
        [
            .. Connection, ClientKey, ("--listen", "HOST:PORT", "where to serve (default 127.0.0.1:8080; any other address needs --tls-cert/--tls-key and a password)"),
            ("--tls-cert", "CERT.pem", "HTTPS certificate"), ("--tls-key", "KEY.pem", "HTTPS certificate's key"),
            ("--web-password-file", "FILE", "the password browsers must give (or EDGE_INSPECTOR_WEB_PASSWORD)"),
        ]),
        ("keygen", "Writes a P-256 signing key pair: private.pem (keep it on the workstation) and public.pem (Updates:TrustedKeys).",
        [("--out", "DIR", "where the keys go")]),
        ("sign", "Writes PKG/manifest.sig: ECDSA P-256 SHA-256 over manifest.json.",
        [("--package", "PKG", "model package folder"), ("--key", "private.pem", "the signing key")]),
        ("push", "Sends a signed package to a device, or rolls it out to a fleet group (--fleet), over MQTT.",
        [
            ("--package", "PKG", "signed model package folder"), .. Connection, ClientKey, ("--device", "ID", "the device to update"),
            ("--timeout", "S", "seconds to wait for the device"), ("--chunk-bytes", "N", "chunk size (default 131072)"),
            ("--fleet", "FLEET.json", "staged rollout over a fleet file"), ("--group", "NAME", "the fleet group to update"),
            ("--parallel", "N", "devices updated at once after the canaries"), ("--max-failures", "N", "stop once more devices failed"),
            ("--rollback-on-abort", null, "send a signed rollback to every switched device when the rollout aborts"),
            ("--rollback-key", "private.pem", "signing key for --rollback-on-abort"),
        ]),
        ("rollback", "Sends a signed cmd/rollback: the device goes back to its previous package.",
        [
            .. Connection, ("--device", "ID", "the device"), ("--key", "private.pem", "the signing key"), ("--to", "VERSION", "only if the previous package is VERSION"),
            ("--timeout", "S", "seconds to wait for the answer (default 30)"), ("--cert-key", "CLIENT.key", "the client certificate's private key"),
        ]),
        ("collect", "Pulls a device's captured parts over MQTT into a collection round with label records and a SHA-256 manifest (docs/data-loop.md).",
        [
            .. Connection, ClientKey, ("--device", "ID", "the device"), ("--out", "DIR", "the product's data folder, e.g. data/COMP/product (rounds go under it)"),
            ("--since", "TIME", "only parts captured at or after TIME (RFC 3339, e.g. 2026-12-01T00:00:00Z)"),
            ("--kinds", "LIST", "ng,uncertain,ok,error (default all)"), ("--description", "TEXT", "what this round is (its folder name ends with it; default the device id)"),
            ("--ack", null, "delete on the device what arrived and was verified"), ("--timeout", "S", "seconds to wait for each answer (default 30)"),
            ("--chunk-bytes", "N", "chunk size (default 131072)"),
        ]),
        ("label", "Lists a collection round's suggested labels, nearest the threshold first, or confirms or corrects them (docs/data-loop.md).",
        [
            ("--round", "DIR", "a round written by collect"), ("--image", "ID", "the image to label (its image_id)"),
            ("--label", "normal|anomaly|error", "the label it gets"), ("--description", "TEXT", "what the person saw (with --image)"),
            ("--confirm-rest", null, "confirm every remaining suggestion"),
        ]),
        ("weights", "Checks and prints the path of the default engine's ImageNet ResNet18.", []),
        ("completion", "Prints a shell completion script: eval \"$(edge-inspector completion bash)\"", [("bash", null, "the shell (bash, the default)")]),
    ];

    public static IEnumerable<string> VerbNames => Verbs.Select(v => v.Verb);

    public static bool IsVerb(string verb) => Verbs.Any(v => v.Verb == verb);

    /// <summary>
    /// Parses one verb's command line with System.CommandLine (no response files: a value may start with @).
    /// Its errors become today's messages: an unknown option (with a suggestion), an option without its
    /// value, an option given twice.
    /// </summary>
    public static Arguments Parse(string verb, IReadOnlyList<string> args)
    {
        var command = Build().Subcommands.Single(c => c.Name == verb);
        var result = command.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.UnmatchedTokens.Count > 0)
        {
            // "--json=true" reaches here as "true": name the word as typed.
            string unknown = args.FirstOrDefault(a => a.EndsWith("=" + result.UnmatchedTokens[0], StringComparison.Ordinal)) ?? result.UnmatchedTokens[0];
            string name = unknown.Split('=')[0];
            if (name != unknown && command.Options.Any(o => o.Name == name))
            {
                throw new CliException($"{verb}: {name} takes no value, got '{unknown}'");
            }

            string message = $"{verb}: unknown argument '{unknown}' (run 'edge-inspector help')";
            throw new CliException(unknown.StartsWith("--", StringComparison.Ordinal) && Closest(name, command.Options.Select(o => o.Name)) is { } suggestion
                ? $"{message}; did you mean {suggestion}?"
                : message);
        }

        if (result.Errors.Count > 0)
        {
            var error = result.Errors[0];
            throw new CliException(error.SymbolResult is OptionResult option
                ? option.Tokens.Count == 0 ? $"{verb}: {option.Option.Name} needs a value" : $"{verb}: {option.Option.Name} is given more than once"
                : $"{verb}: {string.Join(' ', error.Message.Split(['\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries))}");
        }

        return new Arguments(verb, result);
    }

    /// <summary>The closest name within a small edit distance, for "did you mean".</summary>
    public static string? Closest(string typed, IEnumerable<string> names) =>
        names.Select(n => (Name: n, Distance: Distance(typed, n)))
            .Where(c => c.Distance <= Math.Max(2, typed.Length / 4))
            .OrderBy(c => c.Distance).Select(c => c.Name).FirstOrDefault();

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>The System.CommandLine tree: parsing, help and completions. Running a verb goes through <see cref="Commands"/>.</summary>
    public static RootCommand Build()
    {
        var root = new RootCommand("edge-inspector: model package tools, fleet status and the live web view (run 'edge-inspector help' for everything)");
        foreach (var (verb, description, options) in Verbs)
        {
            var command = new Command(verb, description);
            foreach (var (name, value, help) in options)
            {
                if (!name.StartsWith('-'))
                {
                    // A word, not an option (completion bash): an argument in the tree.
                    var shell = new Argument<string>("shell") { Description = help, Arity = ArgumentArity.ZeroOrOne };
                    shell.AcceptOnlyFromAmong(name);
                    command.Arguments.Add(shell);
                    continue;
                }

                command.Options.Add(value is null
                    ? new Option<bool>(name) { Description = help, Arity = ArgumentArity.Zero }
                    : new Option<string>(name) { Description = help, HelpName = value });
            }

            root.Subcommands.Add(command);
        }

        return root;
    }

    /// <summary>Whether System.CommandLine answers this command line itself: help on a verb, or a [suggest] directive.</summary>
    public static bool AnswersItself(string[] args) =>
        args.Length > 0 && (args[0].StartsWith("[suggest", StringComparison.Ordinal)
            || (IsVerb(args[0]) && args.Skip(1).Any(a => a is "--help" or "-h" or "-?")));

    /// <summary>Help for a verb or completions, written to <paramref name="stdout"/>.</summary>
    public static async Task<int> InvokeAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var root = Build();
        // Help for a verb: only the verb and --help, so a half-typed option still gets its help.
        string[] line = args[0].StartsWith("[suggest", StringComparison.Ordinal) ? args : [args[0], "--help"];
        var result = root.Parse(line);
        return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>bash completion through the [suggest] directive.</summary>
    public const string BashCompletion = """
        # edge-inspector completion for bash: eval "$(edge-inspector completion bash)", or append it to ~/.bashrc
        _edge_inspector_complete() {
            local IFS=$'\n'
            COMPREPLY=( $(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}") )
        }
        complete -o default -F _edge_inspector_complete edge-inspector
        """;
}
