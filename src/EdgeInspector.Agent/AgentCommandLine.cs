using EdgeInspector.Acquisition;

namespace EdgeInspector.Agent;

/// <summary>
/// Turns the agent's short flags into configuration keys, so `--frames 40` and
/// `--Agent:MaxFrames=40` mean the same and every flag is also settable in agent.json.
/// </summary>
public static class AgentCommandLine
{
    public const string Usage = """
        edge-inspector-agent [--config FILE] [--demo] [--frames N] [--port P] [--broker mqtt://host:port]
                             [--model DIR] [--camera replay[:DIR]|aravis[:ID]|spinnaker[:SERIAL]|opencv:SOURCE]
                             [--replay DIR|VIDEO] [--fps F]
                             [--device-id ID] [--Section:Key=value ...]
        """;

    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--config"] = "ConfigFile",
        ["--frames"] = "Agent:MaxFrames",
        ["--port"] = "Mqtt:EmbeddedBroker:Port",
        ["--broker"] = "Mqtt:Broker",
        ["--model"] = "Model:Package",
        ["--replay"] = "Camera:Replay:Path",
        ["--fps"] = "Camera:Replay:Fps",
        ["--device-id"] = "Agent:DeviceId",
    };

    /// <summary>--camera SPEC: the backend and its device as configuration keys (<see cref="CameraSpec"/>'s one syntax).</summary>
    private static IEnumerable<string> Camera(string value)
    {
        try
        {
            return CameraSpec.Parse(value).Settings().Select(s => $"--{s.Key}={s.Value}").ToList();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{e.Message}\n{Usage}");
        }
    }

    /// <summary>Returns the arguments as --Key=value pairs; throws <see cref="ArgumentException"/> with the usage on an unknown flag.</summary>
    public static string[] Normalize(string[] args)
    {
        var result = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--demo")
            {
                result.Add("--Agent:Demo=true");
            }
            else if (arg == "--camera")
            {
                result.AddRange(i + 1 < args.Length ? Camera(args[++i]) : throw new ArgumentException($"--camera needs a value.\n{Usage}"));
            }
            else if (Flags.TryGetValue(arg, out string? key))
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException($"{arg} needs a value.\n{Usage}");
                }

                result.Add($"--{key}={args[++i]}");
            }
            else if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains(':', StringComparison.Ordinal))
            {
                result.Add(arg);
            }
            else
            {
                throw new ArgumentException($"Unknown argument '{arg}'.\n{Usage}");
            }
        }

        return [.. result];
    }
}
