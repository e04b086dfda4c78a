using System.Runtime.InteropServices;

namespace EdgeInspector.Inference;

/// <summary>
/// ONNX Runtime's native library keeps a telemetry device id and offline event store
/// (<c>Microsoft/DeveloperTools/.onnxruntime/deviceid</c>, <c>onnxruntime.db</c>) under
/// <c>$XDG_CACHE_HOME</c>, else <c>~/.cache</c>, and a session file <c>.ses</c> in <c>$TMPDIR</c>,
/// all created when the first session starts. A device writes only into its state directory, so
/// the agent points both there (<c>cache/</c>, <c>tmp/</c>) before ONNX Runtime starts. Only the
/// native environment is set (through libc, where ONNX Runtime reads it): .NET keeps its own copy
/// on Unix, so the agent's managed temp path stays as it was.
/// </summary>
public static partial class OrtFileLocation
{
    /// <summary>Makes <paramref name="stateDirectory"/>'s cache/ and tmp/ ONNX Runtime's; call before the first model loads.</summary>
    public static void KeepFilesUnder(string stateDirectory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string cache = Directory.CreateDirectory(Path.Combine(stateDirectory, "cache")).FullName;
        string tmp = Directory.CreateDirectory(Path.Combine(stateDirectory, "tmp")).FullName;
        _ = SetEnv("XDG_CACHE_HOME", cache, 1);
        _ = SetEnv("TMPDIR", tmp, 1);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
