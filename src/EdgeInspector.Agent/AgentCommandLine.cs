namespace EdgeInspector.Agent;

/// <summary>
/// Turns the agent's short flags into configuration keys, so `--frames 40` and
/// `--Agent:MaxFrames=40` mean the same and every flag is also settable in agent.json.
/// </summary>
public static class AgentCommandLine
{
    public const string Usage = """
        edge-inspector-agent [--config FILE] [--demo] [--frames N] [--port P] [--broker mqtt://host:port]
                             [--model DIR] [--camera replay|aravis[:ID]|spinnaker[:SERIAL]|opencv:SOURCE]
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

    /// <summary>--camera replay | aravis[:ID] (device id, serial or IP) | spinnaker[:SERIAL] | opencv:SOURCE (device index, URL, pipeline, file).</summary>
    private static IEnumerable<string> Camera(string value)
    {
        string[] parts = value.Split(':', 2);
        switch (parts[0].ToLowerInvariant())
        {
            case "replay":
                yield return "--Camera:Backend=Replay";
                break;
            case "aravis":
                yield return "--Camera:Backend=Aravis";
                if (parts.Length == 2)
                {
                    yield return $"--Camera:Aravis:DeviceId={parts[1]}";
                }

                break;
            case "spinnaker":
                yield return "--Camera:Backend=Spinnaker";
                if (parts.Length == 2)
                {
                    yield return $"--Camera:Spinnaker:Serial={parts[1]}";
                }

                break;
            case "opencv" when parts.Length == 2:
                yield return "--Camera:Backend=OpenCv";
                yield return $"--Camera:OpenCv:Source={parts[1]}";
                break;
            default:
                throw new ArgumentException($"--camera '{value}' is not a camera backend; use replay, aravis[:ID], spinnaker[:SERIAL] or opencv:SOURCE.\n{Usage}");
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
