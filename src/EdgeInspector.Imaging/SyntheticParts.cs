using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>The defect kinds named by the product's origin documents.</summary>
public enum SyntheticDefect
{
    None,
    Scratch,
    Contamination,
    Crack,
}

/// <summary>
/// Deterministic images of a part's surface (brushed metal by default; see <see cref="SyntheticSurface"/>)
/// with optional scratch, contamination or crack defects. They feed the demo, the tests and the
/// texture benchmark, where no factory images exist; the same seed gives the same pixels on every machine.
/// </summary>
public static class SyntheticParts
{
    /// <summary>Writes <paramref name="count"/> PNGs into <paramref name="directory"/> and returns their paths and defect kinds.</summary>
    public static IReadOnlyList<(string Path, SyntheticDefect Defect)> WriteSet(string directory, int count, int seed = 7, int width = 640, int height = 480, double defectFraction = 0.3, SyntheticSurface surface = SyntheticSurface.BrushedMetal)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var written = new List<(string, SyntheticDefect)>(count);
        for (int i = 0; i < count; i++)
        {
            var defect = random.NextDouble() < defectFraction ? (SyntheticDefect)(1 + random.Next(3)) : SyntheticDefect.None;
            using var image = Render(width, height, defect, random.Next(), surface);
            string path = Path.Combine(directory, $"{i:D4}_{(defect == SyntheticDefect.None ? "good" : defect.ToString().ToLowerInvariant())}.png");
            Cv2.ImWrite(path, image);
            written.Add((path, defect));
        }

        return written;
    }

    /// <summary>Renders one BGR image.</summary>
    public static Mat Render(int width, int height, SyntheticDefect defect, int seed, SyntheticSurface surface = SyntheticSurface.BrushedMetal)
    {
        if (surface != SyntheticSurface.BrushedMetal)
        {
            return RenderSurface(width, height, defect, seed, surface);
        }

        // Brushed metal keeps its exact random sequence: the demo package and golden tests depend on its pixels.
        var random = new Random(seed);
        var image = new Mat(height, width, MatType.CV_8UC3);
        var grain = new float[width * height];
        for (int i = 0; i < grain.Length; i++)
        {
            grain[i] = (float)(18 * Gaussian(random));
        }

        using var noise = Mat.FromPixelData(height, width, MatType.CV_32FC1, grain);
        using var brushed = new Mat();
        Cv2.Blur(noise, brushed, new Size(9, 1));

        double tilt = 12 * (random.NextDouble() - 0.5);
        double baseLevel = 150 + (random.NextDouble() * 20);
        using var shading = new Mat(height, width, MatType.CV_8UC1);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double v = baseLevel + (tilt * ((x / (double)width) - 0.5)) + brushed.At<float>(y, x);
                shading.Set(y, x, (byte)Math.Clamp(v, 0, 255));
            }
        }

        Cv2.Merge([shading, shading, shading], image);
        Cv2.Multiply(image, new Scalar(0.95, 1.0, 1.02), image);
        DrawDefect(image, defect, random);
        return image;
    }

    private static Mat RenderSurface(int width, int height, SyntheticDefect defect, int seed, SyntheticSurface surface)
    {
        var random = new Random(seed);
        var grey = SurfaceTextures.Render(surface, width, height, random);
        SurfaceDefects.Draw(grey, width, height, surface, defect, random);
        using var levels = Mat.FromPixelData(height, width, MatType.CV_32FC1, grey);
        using var shading = new Mat();
        levels.ConvertTo(shading, MatType.CV_8UC1);
        var image = new Mat();
        Cv2.Merge([shading, shading, shading], image);
        Cv2.Multiply(image, SurfaceTextures.Tint(surface), image);
        return image;
    }

    internal static double Gaussian(Random random) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - random.NextDouble())) * Math.Cos(2.0 * Math.PI * random.NextDouble());

    private static void DrawDefect(Mat image, SyntheticDefect defect, Random random)
    {
        int w = image.Width;
        int h = image.Height;
        var start = new Point(random.Next(w / 6, w * 5 / 6), random.Next(h / 6, h * 5 / 6));
        switch (defect)
        {
            case SyntheticDefect.Scratch:
            {
                double angle = random.NextDouble() * Math.PI;
                int length = random.Next(w / 8, w / 4);
                var end = new Point(start.X + (int)(length * Math.Cos(angle)), start.Y + (int)(length * Math.Sin(angle)));
                Cv2.Line(image, start, end, new Scalar(235, 235, 235), 3, LineTypes.AntiAlias);
                break;
            }

            case SyntheticDefect.Contamination:
                for (int i = 0; i < 3 + random.Next(4); i++)
                {
                    var at = new Point(start.X + random.Next(-25, 26), start.Y + random.Next(-25, 26));
                    Cv2.Circle(image, at, random.Next(4, 10), new Scalar(40, 45, 55), -1, LineTypes.AntiAlias);
                }

                break;
            case SyntheticDefect.Crack:
            {
                var path = CrackPath(start, random);
                for (int i = 1; i < path.Length; i++)
                {
                    Cv2.Line(image, path[i - 1], path[i], new Scalar(25, 25, 25), 3, LineTypes.AntiAlias);
                }

                break;
            }

            case SyntheticDefect.None:
                break;
        }
    }

    /// <summary>A crack's polyline: ten 12 px segments from <paramref name="start"/>, each turning a little.</summary>
    internal static Point[] CrackPath(Point start, Random random)
    {
        var path = new Point[11];
        path[0] = start;
        double angle = random.NextDouble() * Math.PI * 2;
        for (int i = 1; i < path.Length; i++)
        {
            angle += (random.NextDouble() - 0.5) * 1.2;
            path[i] = new Point(path[i - 1].X + (int)(12 * Math.Cos(angle)), path[i - 1].Y + (int)(12 * Math.Sin(angle)));
        }

        return path;
    }
}
