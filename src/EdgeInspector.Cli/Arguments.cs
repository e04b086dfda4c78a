using System.CommandLine;
using System.Globalization;

namespace EdgeInspector.Cli;

/// <summary>
/// One verb's options as System.CommandLine parsed them (<see cref="CommandTree.Parse"/>), read by name;
/// ranges are checked here so every verb's messages stay the ones scripts already rely on.
/// </summary>
public sealed class Arguments
{
    private readonly ParseResult _result;

    internal Arguments(string command, ParseResult result)
    {
        Command = command;
        _result = result;
    }

    public string Command { get; }

    public bool Flag(string name) => _result.GetValue<bool>(name);

    public string? Value(string name) => _result.GetValue<string>(name);

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
