using System.Diagnostics;
using System.Text;

namespace EdgeInspector.Testing;

/// <summary>The built agent started as a real process, its output captured.</summary>
public sealed class AgentProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AgentProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The agent next to the test binaries (the Agent project is referenced, so it is built with them).</summary>
    public static string AgentDll => Path.Combine(AppContext.BaseDirectory, "edge-inspector-agent.dll");

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The process id (for /proc/{id}/status: resident memory, threads, handles).</summary>
    public int Id => _process.Id;

    public int ExitCode => _process.ExitCode;

    public static AgentProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    public static AgentProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [AgentDll, .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new AgentProcess(Process.Start(start)!);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Agent did not exit within {timeout.TotalSeconds:0} s. Output:\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Waits until the output holds <paramref name="text"/>: a loaded box may take seconds to start the agent.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        for (var deadline = DateTime.UtcNow + timeout; !Output.Contains(text, StringComparison.Ordinal); await Task.Delay(100))
        {
            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Agent did not print '{text}' within {timeout.TotalSeconds:0} s. Output:\n{Output}");
            }
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as when power is cut or the OOM killer strikes.</summary>
    public void KillHard() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: what systemd sends on stop.</summary>
    public void Terminate() => Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
