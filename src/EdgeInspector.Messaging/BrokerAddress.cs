namespace EdgeInspector.Messaging;

/// <summary>A parsed broker URI: mqtt://host[:1883] or mqtts://host[:8883].</summary>
public sealed record BrokerAddress(string Host, int Port, bool UseTls)
{
    public static BrokerAddress Parse(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("mqtt" or "mqtts") || string.IsNullOrEmpty(parsed.Host))
        {
            throw new FormatException($"Broker '{uri}' is not a broker URI. Use mqtt://host:port (plain) or mqtts://host:port (TLS), or leave Mqtt:Broker empty for the embedded broker.");
        }

        bool tls = parsed.Scheme == "mqtts";
        int port = parsed.IsDefaultPort || parsed.Port < 0 ? (tls ? 8883 : 1883) : parsed.Port;
        return new BrokerAddress(parsed.Host, port, tls);
    }

    public override string ToString() => $"{(UseTls ? "mqtts" : "mqtt")}://{Host}:{Port}";
}
