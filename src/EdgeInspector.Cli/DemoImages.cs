using EdgeInspector.Imaging;
using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>
/// Deterministic demo and benchmark parts, flat as the agent's demo replays them, or in MVTec layout
/// (test/good, test/&lt;defect&gt;, ground_truth/&lt;defect&gt;/&lt;name&gt;_mask.png) for eval: the
/// agent's synthetic surfaces (<see cref="SyntheticParts"/>) or crops of a photographed texture
/// (<see cref="PhotoParts"/>).
/// </summary>
public static class DemoImages
{
    /// <summary>Parts of a synthetic surface: the same pixels and names as <see cref="SyntheticParts.WriteSet"/> for the same seed.</summary>
    public static IReadOnlyList<(string Path, SyntheticDefect Defect)> Write(string directory, int count, int seed, double defectFraction, bool mvtec, SyntheticSurface surface = SyntheticSurface.BrushedMetal) =>
        WriteParts(directory, count, seed, defectFraction, mvtec, (defect, partSeed) =>
        {
            var image = SyntheticParts.Render(640, 480, defect, partSeed, surface);
            return (image, mvtec && defect != SyntheticDefect.None ? Mask(image, partSeed, surface) : null);
        });

    /// <summary>Parts cut from <paramref name="photo"/> (<see cref="PhotoParts.Load"/>), from one side of it only.</summary>
    public static IReadOnlyList<(string Path, SyntheticDefect Defect)> WritePhoto(string directory, int count, int seed, double defectFraction, bool mvtec, Mat photo, PhotoSplit split, double brightnessJitter) =>
        WriteParts(directory, count, seed, defectFraction, mvtec, (defect, partSeed) =>
        {
            var part = PhotoParts.Render(photo, split, defect, partSeed, brightnessJitter);
            return (part.Image, defect == SyntheticDefect.None ? Dispose(part.Mask) : part.Mask);
        });

    /// <summary>
    /// Draws each part's defect kind (a <paramref name="defectFraction"/> chance, then one of three) and
    /// render seed from <paramref name="seed"/>, as <see cref="SyntheticParts.WriteSet"/> does, and writes
    /// <c>NNNN_kind.png</c> flat or sorted into MVTec layout with the mask <paramref name="render"/> gives.
    /// </summary>
    private static List<(string Path, SyntheticDefect Defect)> WriteParts(string directory, int count, int seed, double defectFraction, bool mvtec, Func<SyntheticDefect, int, (Mat Image, Mat? Mask)> render)
    {
        Directory.CreateDirectory(directory);
        var random = new Random(seed);
        var written = new List<(string, SyntheticDefect)>(count);
        for (int i = 0; i < count; i++)
        {
            var defect = random.NextDouble() < defectFraction ? (SyntheticDefect)(1 + random.Next(3)) : SyntheticDefect.None;
            var (image, mask) = render(defect, random.Next());
            using (image)
            using (mask)
            {
                string kind = defect == SyntheticDefect.None ? InspectionDataset.GoodFolder : defect.ToString().ToLowerInvariant();
                string name = $"{i:D4}_{kind}";
                string path = mvtec ? Path.Combine(directory, "test", kind, name + ".png") : Path.Combine(directory, name + ".png");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                Cv2.ImWrite(path, image);
                if (mask is not null)
                {
                    string maskPath = Path.Combine(directory, "ground_truth", kind, name + "_mask.png");
                    Directory.CreateDirectory(Path.GetDirectoryName(maskPath)!);
                    Cv2.ImWrite(maskPath, mask);
                }

                written.Add((path, defect));
            }
        }

        return written;
    }

    private static Mat? Dispose(Mat mat)
    {
        mat.Dispose();
        return null;
    }

    /// <summary>The defect's pixels: where the image differs from the same surface rendered without it.</summary>
    private static Mat Mask(Mat image, int seed, SyntheticSurface surface)
    {
        using var clean = SyntheticParts.Render(image.Width, image.Height, SyntheticDefect.None, seed, surface);
        using var diff = new Mat();
        Cv2.Absdiff(image, clean, diff);
        using var gray = new Mat();
        Cv2.CvtColor(diff, gray, ColorConversionCodes.BGR2GRAY);
        var mask = new Mat();
        Cv2.Threshold(gray, mask, 12, 255, ThresholdTypes.Binary);
        return mask;
    }
}
