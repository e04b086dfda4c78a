using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;

namespace EdgeInspector.Bench.Soak;

/// <summary>
/// Mosquitto on a loopback port for the soak, with persistence: a restart keeps the verdict
/// counter's session and what was queued for it, as a plant broker does, so "0 lost" measures the
/// agent and not the broker. Started as root, Mosquitto drops to user "mosquitto" and cannot write
/// its persistence file into this folder; <c>user</c> keeps it as whoever runs the soak.
/// </summary>
internal sealed class SoakBroker(string directory, int port) : IDisposable
{
    private Process? _process;

    public string Uri => string.Create(CultureInfo.InvariantCulture, $"mqtt://127.0.0.1:{port}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        string conf = Path.Combine(directory, "mosquitto.conf");
        await File.WriteAllTextAsync(conf, string.Create(CultureInfo.InvariantCulture, $"listener {port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location {directory}/\nlog_dest file {directory}/mosquitto.log\nuser {Environment.UserName}\n"), cancellationToken).ConfigureAwait(false);
        string executable = File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto";
        _process = Process.Start(new ProcessStartInfo(executable, ["-c", conf]) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("mosquitto did not start: apt-get install mosquitto");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>SIGTERM, as systemd stops it: Mosquitto writes its persistence file and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        process.Dispose();
        _process = null;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
        }

        _process?.Dispose();
    }
}
