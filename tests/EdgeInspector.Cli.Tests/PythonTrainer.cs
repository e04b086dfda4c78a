using System.Diagnostics;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>The workstation trainer (src/trainer) run as a /usr/bin/python3 subprocess.</summary>
internal static class PythonTrainer
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<string?> Missing = new(Probe);

    /// <summary>Why the trainer cannot run here, or null when it can.</summary>
    public static string? Unavailable => Missing.Value;

    public static void Run(params string[] args)
    {
        var (code, output) = Exec(["-m", "edgeinspector_trainer", .. args]);
        if (code != 0)
        {
            throw new InvalidOperationException($"trainer {string.Join(' ', args)} exited {code}:\n{output}");
        }
    }

    /// <summary>A Python file of the repository (relative to its root) run as a script.</summary>
    public static void RunScript(string relativePath, params string[] args)
    {
        var (code, output) = Exec([Path.Combine(RepoPaths.Root, relativePath), .. args]);
        if (code != 0)
        {
            throw new InvalidOperationException($"{relativePath} {string.Join(' ', args)} exited {code}:\n{output}");
        }
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is not installed";
        }

        var (code, output) = Exec(["-c", "import torch, onnx, cv2"]);
        return code == 0 ? null : $"{Python} cannot import torch/onnx/cv2 (apt-get install python3-torch python3-onnx python3-opencv): {output.Trim()}";
    }

    private static (int Code, string Output) Exec(string[] args)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["PYTHONPATH"] = Path.Combine(RepoPaths.Root, "src", "trainer");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}

/// <summary>A [Fact] skipped, with the reason, when the trainer's Python cannot run.</summary>
public sealed class TrainerFactAttribute : FactAttribute
{
    public TrainerFactAttribute()
    {
        if (PythonTrainer.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
