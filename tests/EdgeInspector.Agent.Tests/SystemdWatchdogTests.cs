using System.Net.Sockets;
using System.Text;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

[Collection(nameof(AgentProcessCollection))]
public sealed class SystemdWatchdogTests
{
    [Fact]
    public async Task The_running_agent_feeds_the_systemd_watchdog()
    {
        using var dir = new TempDirectory();
        string socketPath = dir.Combine("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        var env = new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["WATCHDOG_USEC"] = "600000" };
        using var agent = AgentProcess.Start(env, "--demo", "--model", RepoPaths.TextureBaselinePackage, "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--fps", "20");

        var pings = 0;
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (pings < 5)
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
            if (Encoding.ASCII.GetString(buffer, 0, n) == "WATCHDOG=1")
            {
                pings++;
            }
        }

        Assert.False(agent.HasExited, agent.Output);
        Assert.Contains("fed while the pipeline makes progress", agent.Output, StringComparison.Ordinal);
    }
}
