using EdgeInspector.Imaging;
using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>
/// The agent's deterministic synthetic parts (<see cref="SyntheticParts.WriteSet"/>), flat as the
/// agent's demo replays them, or in MVTec layout (test/good, test/&lt;defect&gt;,
/// ground_truth/&lt;defect&gt;/&lt;name&gt;_mask.png) for eval.
/// </summary>
public static class DemoImages
{
    public static IReadOnlyList<(string Path, SyntheticDefect Defect)> Write(string directory, int count, int seed, double defectFraction, bool mvtec, SyntheticSurface surface = SyntheticSurface.BrushedMetal)
    {
        if (!mvtec)
        {
            return SyntheticParts.WriteSet(directory, count, seed, defectFraction: defectFraction, surface: surface);
        }

        string flat = Path.Combine(directory, $".flat-{Environment.ProcessId}");
        var written = SyntheticParts.WriteSet(flat, count, seed, defectFraction: defectFraction, surface: surface);
        var seeds = ImageSeeds(count, seed, defectFraction);
        var result = new List<(string, SyntheticDefect)>(written.Count);
        for (int i = 0; i < written.Count; i++)
        {
            var (path, defect) = written[i];
            string kind = defect == SyntheticDefect.None ? InspectionDataset.GoodFolder : defect.ToString().ToLowerInvariant();
            string target = Path.Combine(directory, "test", kind, Path.GetFileName(path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Move(path, target, overwrite: true);
            result.Add((target, defect));
            if (defect != SyntheticDefect.None && seeds[i].Defect == defect)
            {
                using var image = Cv2.ImRead(target, ImreadModes.Color);
                using var mask = Mask(image, seeds[i].Seed, surface);
                string maskPath = Path.Combine(directory, "ground_truth", kind, Path.GetFileNameWithoutExtension(path) + "_mask.png");
                Directory.CreateDirectory(Path.GetDirectoryName(maskPath)!);
                Cv2.ImWrite(maskPath, mask);
            }
        }

        Directory.Delete(flat, recursive: true);
        return result;
    }

    /// <summary>Replays WriteSet's random sequence: each image's defect and render seed.</summary>
    private static List<(SyntheticDefect Defect, int Seed)> ImageSeeds(int count, int seed, double defectFraction)
    {
        var random = new Random(seed);
        var seeds = new List<(SyntheticDefect, int)>(count);
        for (int i = 0; i < count; i++)
        {
            var defect = random.NextDouble() < defectFraction ? (SyntheticDefect)(1 + random.Next(3)) : SyntheticDefect.None;
            seeds.Add((defect, random.Next()));
        }

        return seeds;
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
