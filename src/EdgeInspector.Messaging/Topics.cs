namespace EdgeInspector.Messaging;

/// <summary>The device's MQTT topics (contract: docs/mqtt.md).</summary>
public sealed class Topics(string root, string deviceId)
{
    public string Device { get; } = $"{root.TrimEnd('/')}/{deviceId}";

    public string Verdict => $"{Device}/verdict";

    public string Thumbnail => $"{Device}/thumbnail";

    public string Status => $"{Device}/status";

    public string CommandFilter => $"{Device}/cmd/+";

    public string CommandPrefix => $"{Device}/cmd/";
}
