using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Updates;
using OpenCvSharp;

namespace EdgeInspector.Agent;

/// <summary>
/// Before a new package may serve, it scores the images in its golden/ folder through the
/// agent's own preprocessing and must land within the tolerance of golden/expected.json:
/// <c>{"tolerance": 0.02, "images": {"good-1.png": 0.12, "scratch-1.png": 0.91}}</c> (raw scores).
/// </summary>
public static class GoldenSelfTest
{
    public const string Folder = "golden";
    public const string ExpectedFile = "expected.json";
    public const double DefaultTolerance = 0.02;

    /// <summary>Returns how many golden images passed (0 when the package has no golden/); throws <see cref="UpdateException"/> on a miss.</summary>
    public static int Run(ModelRunner runner)
    {
        string folder = Path.Combine(runner.Package.Directory, Folder);
        string expectedPath = Path.Combine(folder, ExpectedFile);
        if (!File.Exists(expectedPath))
        {
            return 0;
        }

        JsonObject expected;
        try
        {
            expected = JsonNode.Parse(File.ReadAllBytes(expectedPath))?.AsObject() ?? throw new UpdateException("golden/expected.json is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new UpdateException($"self-test: golden/expected.json is not valid JSON ({e.Message})", e);
        }

        double tolerance = (double?)expected["tolerance"] ?? DefaultTolerance;
        var images = expected["images"] as JsonObject ?? throw new UpdateException("self-test: golden/expected.json has no \"images\" object");
        var pool = new FramePool(maxRetained: 1);
        using var writer = new ModelInputWriter();
        byte[] input = new byte[runner.InputLength];
        int passed = 0;
        foreach (var (name, value) in images)
        {
            double want = (double?)value ?? throw new UpdateException($"self-test: expected score of '{name}' is not a number");
            string path = Path.GetFullPath(Path.Combine(folder, name));
            if (!path.StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new UpdateException($"self-test: golden image '{name}' lies outside golden/");
            }

            using (var bgr = Cv2.ImRead(path, ImreadModes.Color))
            {
                if (bgr.Empty())
                {
                    throw new UpdateException($"self-test: golden image '{name}' is missing or not an image");
                }

                int width = bgr.Width;
                int height = bgr.Height;
                using var frame = pool.Rent(width, height, PixelFormat.Bgr8, 0, 0, 0);
                for (int y = 0; y < height; y++)
                {
                    Marshal.Copy(bgr.Ptr(y), frame.Buffer, y * frame.Stride, width * 3);
                }

                writer.Write(frame, runner.Width, runner.Height, runner.Package.Manifest.Input.Resize, input);
            }

            double got = runner.Run(input);
            if (Math.Abs(got - want) > tolerance)
            {
                throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"self-test failed: golden image '{name}' scored {got:F4}, expected {want:F4} ± {tolerance}"));
            }

            passed++;
        }

        return passed;
    }
}
