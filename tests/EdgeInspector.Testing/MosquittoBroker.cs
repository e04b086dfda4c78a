using System.Diagnostics;
using System.Net.Sockets;

namespace EdgeInspector.Testing;

/// <summary>
/// A real Mosquitto on a free loopback port, for integration tests. Stop and restart keep the
/// port, so a test can take the broker away under a connected agent and bring it back.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly TestCertificates? _tls;
    private readonly bool _secured;
    private Process? _process;

    private MosquittoBroker(int port, TestCertificates? tls, bool secured = false)
    {
        Port = port;
        _tls = tls;
        _secured = secured;
    }

    public int Port { get; }

    public string Uri => $"{(_tls is null ? "mqtt" : "mqtts")}://127.0.0.1:{Port}";

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    public static async Task<MosquittoBroker> StartAsync(TestCertificates? tls = null)
    {
        var broker = new MosquittoBroker(FreePort.Next(), tls);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>
    /// The production broker configuration, deploy/mosquitto/edge-inspector.conf and deploy/mosquitto/acl,
    /// with only the listener moved to a free loopback port and the certificate and ACL paths pointed at
    /// <paramref name="tls"/> and a copy of the ACL: mutual TLS, CN as username, no anonymous clients.
    /// </summary>
    public static async Task<MosquittoBroker> StartSecuredAsync(TestCertificates tls)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var broker = new MosquittoBroker(FreePort.Next(), tls, secured: true);
        await broker.RestartAsync();
        return broker;
    }

    /// <summary>deploy/mosquitto/edge-inspector.conf as the test runs it (for failure messages).</summary>
    public string Configuration => File.ReadAllText(_dir.Combine("mosquitto.conf"));

    public async Task RestartAsync()
    {
        Stop();
        string conf = _dir.Combine("mosquitto.conf");
        if (_secured)
        {
            await File.WriteAllTextAsync(conf, await SecuredConfigurationAsync());
        }
        else
        {
            string tls = _tls is null ? "" : $"cafile {_tls.CaFile}\ncertfile {_tls.ServerCertificateFile}\nkeyfile {_tls.ServerKeyFile}\n";
            await File.WriteAllTextAsync(conf, $"listener {Port} 127.0.0.1\n{tls}allow_anonymous true\npersistence false\n");
        }

        var start = new ProcessStartInfo(Executable, ["-c", conf])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Mosquitto is not installed: apt-get install mosquitto (./dev.sh test does this when run as root).", e);
        }

        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
        await WaitListeningAsync();
    }

    private async Task<string> SecuredConfigurationAsync()
    {
        string deploy = Path.Combine(RepoPaths.Root, "deploy", "mosquitto");
        string acl = _dir.Combine("edge-inspector.acl");
        File.Copy(Path.Combine(deploy, "acl"), acl, overwrite: true);
        var replacements = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["listener"] = $"listener {Port} 127.0.0.1",
            ["cafile"] = "cafile " + _tls!.CaFile,
            ["certfile"] = "certfile " + _tls.ServerCertificateFile,
            ["keyfile"] = "keyfile " + _tls.ServerKeyFile,
            ["acl_file"] = "acl_file " + acl,
        };
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<string>();
        foreach (string line in await File.ReadAllLinesAsync(Path.Combine(deploy, "edge-inspector.conf")))
        {
            string key = line.Split(' ', 2)[0];
            if (replacements.TryGetValue(key, out string? replacement))
            {
                seen.Add(key);
                lines.Add(replacement);
            }
            else
            {
                lines.Add(line);
            }
        }

        if (seen.Count != replacements.Count)
        {
            throw new InvalidOperationException($"deploy/mosquitto/edge-inspector.conf lacks {string.Join(", ", replacements.Keys.Except(seen))}.");
        }

        lines.Add("persistence false");
        return string.Join('\n', lines) + "\n";
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        _process = null;
    }

    private async Task WaitListeningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException)
            {
                if (_process!.HasExited)
                {
                    throw new InvalidOperationException($"Mosquitto exited with code {_process.ExitCode} on port {Port}.");
                }

                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"Mosquitto did not listen on port {Port} within 10 s.");
    }

    public void Dispose()
    {
        Stop();
        _dir.Dispose();
    }
}
