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
    private Process? _process;

    private MosquittoBroker(int port) => Port = port;

    public int Port { get; }

    public string Uri => $"mqtt://127.0.0.1:{Port}";

    public static string Executable => File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";

    public static async Task<MosquittoBroker> StartAsync()
    {
        var broker = new MosquittoBroker(FreePort.Next());
        await broker.RestartAsync();
        return broker;
    }

    public async Task RestartAsync()
    {
        Stop();
        string conf = _dir.Combine("mosquitto.conf");
        await File.WriteAllTextAsync(conf, $"listener {Port} 127.0.0.1\nallow_anonymous true\npersistence false\n");
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
