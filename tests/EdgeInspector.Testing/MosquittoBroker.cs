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
    private Process? _process;

    private MosquittoBroker(int port, TestCertificates? tls)
    {
        Port = port;
        _tls = tls;
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

    public async Task RestartAsync()
    {
        Stop();
        string conf = _dir.Combine("mosquitto.conf");
        string tls = _tls is null ? "" : $"cafile {_tls.CaFile}\ncertfile {_tls.ServerCertificateFile}\nkeyfile {_tls.ServerKeyFile}\n";
        await File.WriteAllTextAsync(conf, $"listener {Port} 127.0.0.1\n{tls}allow_anonymous true\npersistence false\n");
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
