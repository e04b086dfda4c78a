using System.Globalization;

namespace EdgeInspector.Cli;

/// <summary>--name value options and --flag switches of one command; anything else is an error.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    public Arguments(string command, IReadOnlyList<string> args, IReadOnlyCollection<string> valueOptions, IReadOnlyCollection<string> flagOptions)
    {
        Command = command;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string name = arg;
            string? inline = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            if (valueOptions.Contains(name))
            {
                _values[name] = inline ?? (i + 1 < args.Count ? args[++i] : throw new CliException($"{command}: {name} needs a value"));
            }
            else if (flagOptions.Contains(name) && inline is null)
            {
                _flags.Add(name);
            }
            else
            {
                throw new CliException($"{command}: unknown argument '{arg}' (run 'edge-inspector help')");
            }
        }
    }

    public string Command { get; }

    public bool Flag(string name) => _flags.Contains(name);

    public string? Value(string name) => _values.GetValueOrDefault(name);

    public string Required(string name) => Value(name) ?? throw new CliException($"{Command}: {name} is required (run 'edge-inspector help')");

    public int Int(string name, int fallback, int min, int max)
    {
        string? v = Value(name);
        if (v is null)
        {
            return fallback;
        }

        return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new CliException($"{Command}: {name} must be an integer in {min}..{max}, got '{v}'");
    }

    public double Double(string name, double fallback, double min, double max)
    {
        string? v = Value(name);
        if (v is null)
        {
            return fallback;
        }

        return double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= min && d <= max
            ? d
            : throw new CliException($"{Command}: {name} must be a number in {min}..{max}, got '{v}'");
    }
}
