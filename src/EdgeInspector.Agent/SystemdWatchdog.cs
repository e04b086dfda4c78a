using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent;

/// <summary>
/// Feeds systemd's watchdog (WatchdogSec=) only while the pipeline makes progress. .NET's
/// systemd integration sends READY and STOPPING but never WATCHDOG=1, and a timer that pings
/// unconditionally would hide a hung pipeline. While the agent is still starting (model load,
/// a first TensorRT engine build that takes minutes) it pings unconditionally: status shows
/// that phase, and a hang there is bounded by TimeoutStartSec.
/// </summary>
public sealed partial class SystemdWatchdog(PipelineHeartbeat heartbeat, AgentTelemetry telemetry, ILogger<SystemdWatchdog> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? socketPath = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(socketPath) || !long.TryParse(Environment.GetEnvironmentVariable("WATCHDOG_USEC"), out long usec) || usec <= 0)
        {
            return;
        }

        var interval = TimeSpan.FromMicroseconds(usec);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        // A leading '@' names a socket in the abstract namespace, which .NET spells with a NUL.
        var endpoint = new UnixDomainSocketEndPoint(socketPath[0] == '@' ? "\0" + socketPath[1..] : socketPath);
        byte[] ping = Encoding.ASCII.GetBytes("WATCHDOG=1");
        Log.Enabled(logger, interval.TotalSeconds);
        using var timer = new PeriodicTimer(interval / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                if (telemetry.State == Core.AgentState.Starting || heartbeat.IsAlive(interval))
                {
                    await socket.SendToAsync(ping, SocketFlags.None, endpoint, stoppingToken).ConfigureAwait(false);
                }
                else
                {
                    Log.Stalled(logger, heartbeat.SinceLastBeat.TotalSeconds);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
