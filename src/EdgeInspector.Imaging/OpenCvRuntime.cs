using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Checks that OpenCvSharp's native library loads. Without it every frame operation fails deep
/// inside a type initializer; checking at start turns that into one message with the fix.
/// </summary>
public static class OpenCvRuntime
{
    /// <summary>Null when OpenCV works, else what is wrong and how to fix it.</summary>
    public static string? Problem()
    {
        try
        {
            _ = Cv2.GetVersionString();
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or BadImageFormatException)
        {
            string reason = Reason((e.InnerException ?? e).Message);
            return $"OpenCV's native library (libOpenCvSharpExtern.so) cannot be loaded: {reason} " +
                "On a Jetson build it against JetPack's OpenCV with deploy/build-opencvsharp-jetson.sh (deploy-jetson.sh runs it); " +
                "on x64 Debian/Ubuntu install libgtk-3-0, which the NuGet runtime needs.";
        }
    }

    /// <summary>The loader's message without its generic advice, plus the line that names the missing file.</summary>
    private static string Reason(string message)
    {
        string[] lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        string first = lines[0];
        int advice = first.IndexOf(" In order to help", StringComparison.Ordinal);
        first = advice > 0 ? first[..advice] : first;
        string? detail = lines.Skip(1).FirstOrDefault(l => l.Contains("cannot open", StringComparison.Ordinal) || l.Contains("undefined symbol", StringComparison.Ordinal));
        return detail is null ? first : $"{first} ({detail})";
    }
}
