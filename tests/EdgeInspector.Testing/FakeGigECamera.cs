using System.Diagnostics;

namespace EdgeInspector.Testing;

/// <summary>
/// Aravis' fake GigE Vision camera (<c>arv-fake-gv-camera-0.8</c>, Debian package aravis-tools)
/// as a child process on 127.0.0.1; killed on dispose.
/// </summary>
public sealed class FakeGigECamera : IDisposable
{
    public const string Executable = "/usr/bin/arv-fake-gv-camera-0.8";
    public const string Address = "127.0.0.1";

    private Process? _process;

    public FakeGigECamera(string serial = "EI01") => Serial = serial;

    public string Serial { get; }

    public static bool Installed => File.Exists(Executable);

    public bool Running => _process is { HasExited: false };

    public void Start()
    {
        if (Running)
        {
            return;
        }

        _process?.Dispose();
        var start = new ProcessStartInfo(Executable)
        {
            ArgumentList = { "-i", Address, "-s", Serial },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        // It binds its GVCP socket right after start; give it a moment.
        Thread.Sleep(300);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Executable} -i {Address} exited at once with code {_process.ExitCode} (is UDP port 3956 on {Address} taken by another fake camera?).");
        }
    }

    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        _process = null;
    }
}
