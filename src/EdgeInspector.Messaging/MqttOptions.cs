using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Messaging;

public sealed class MqttOptions
{
    public const string Section = "Mqtt";

    /// <summary>mqtt://host:port or mqtts://host:port; empty starts the embedded broker on loopback.</summary>
    [BrokerUri]
    public string Broker { get; set; } = "";

    [ValidateObjectMembers]
    public EmbeddedBrokerOptions EmbeddedBroker { get; set; } = new();

    /// <summary>Topic root; the device publishes under {TopicRoot}/{deviceId}/.</summary>
    [Required]
    [RegularExpression("^[^#+]+$", ErrorMessage = "Mqtt:TopicRoot must not contain MQTT wildcards (# or +).")]
    public string TopicRoot { get; set; } = "edgeinspector";

    /// <summary>Defaults to edge-inspector-{deviceId}.</summary>
    public string? ClientId { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public MqttTlsOptions Tls { get; set; } = new();

    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Messages held in memory while the broker is unreachable (thumbnails, snapshots, model state;
    /// also verdicts on their way to the durable outbox); the oldest go first when it is full.
    /// </summary>
    [Range(16, 1_000_000)]
    public int OutboxCapacity { get; set; } = 2000;

    [ValidateObjectMembers]
    public OutboxOptions Outbox { get; set; } = new();
}

/// <summary>The durable outbox: verdicts kept on flash until the broker acknowledges them.</summary>
public sealed class OutboxOptions
{
    /// <summary>Off only for tests and the demo: verdicts then live in memory and die with the process.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The SQLite file; the agent defaults it to outbox.db in the state directory (Agent:StateDirectory).</summary>
    public string? Path { get; set; }

    /// <summary>Verdicts kept at most; beyond it the oldest are dropped and counted.</summary>
    [Range(100, 100_000_000)]
    public long MaxMessages { get; set; } = 1_000_000;

    /// <summary>Payload bytes kept at most (the file is about 1.2x this, plus up to 4 MiB of WAL).</summary>
    [Range(1L << 20, 1L << 40)]
    public long MaxBytes { get; set; } = 256L << 20;

    /// <summary>
    /// SQLite's synchronous level. Normal (WAL): a commit survives a crash or kill -9 at once and
    /// a power cut once the kernel has written it back; no fsync per verdict, so the flash sees one
    /// sequential WAL write per commit. Full: an fsync per commit, also power-cut safe, at the
    /// cost of ~30 fsyncs/s of wear at 30 verdicts/s.
    /// </summary>
    public OutboxSynchronous Synchronous { get; set; } = OutboxSynchronous.Normal;
}

public enum OutboxSynchronous
{
    Normal,
    Full,
}

public sealed class EmbeddedBrokerOptions
{
    [Range(1, 65535)]
    public int Port { get; set; } = 1883;

    /// <summary>Loopback by default: the embedded broker is for a bench, not the plant network.</summary>
    [Required]
    public string BindAddress { get; set; } = "127.0.0.1";
}

public sealed class MqttTlsOptions
{
    /// <summary>PEM file of the CA that signed the broker's certificate; empty uses the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate and key for mutual TLS.</summary>
    public string? ClientCertificateFile { get; set; }

    public string? ClientKeyFile { get; set; }
}

[OptionsValidator]
public sealed partial class MqttOptionsValidator : IValidateOptions<MqttOptions>;
