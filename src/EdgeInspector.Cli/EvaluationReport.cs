using System.Globalization;
using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>Review images of an evaluation: ROC + PR curves and the score histogram (charts), and a heat-map gallery of the hardest parts (image tiles, so OpenCV).</summary>
public static class EvaluationReport
{
    public const string CurvesFile = "roc_pr.png";
    public const string ScoresFile = "scores.png";
    public const string GalleryFile = "gallery.png";
    private const int Tile = 192;
    private const int Caption = 22;

    public static void Write(string directory, EvaluationResult result, ServingPath path, double threshold, int perClass = 12)
    {
        Directory.CreateDirectory(directory);
        var labels = result.Images.Select(i => i.Image.IsAnomalous).ToArray();
        var scores = result.Images.Select(i => i.Score).ToArray();
        ReportCharts.SaveCurves(Path.Combine(directory, CurvesFile), labels, scores, result);
        ReportCharts.SaveScores(Path.Combine(directory, ScoresFile), labels, scores, threshold);

        // The hardest cases: anomalous parts with the lowest scores, good parts with the highest.
        var picks = result.Images.Where(i => i.Image.IsAnomalous).OrderBy(i => i.Score).Take(perClass)
            .Concat(result.Images.Where(i => !i.Image.IsAnomalous).OrderByDescending(i => i.Score).Take(perClass))
            .ToList();
        using var gallery = Gallery(picks, path, threshold);
        Cv2.ImWrite(Path.Combine(directory, GalleryFile), gallery);
    }

    private static Mat Gallery(List<ImageResult> picks, ServingPath path, double threshold)
    {
        const int columns = 6;
        int rows = Math.Max(1, (picks.Count + columns - 1) / columns);
        var canvas = new Mat(rows * (Tile + Caption), columns * Tile, MatType.CV_8UC3, Scalar.All(32));
        for (int i = 0; i < picks.Count; i++)
        {
            var pick = picks[i];
            byte[] input = path.Prepare(pick.Image.Path);
            float score = path.Score(input);
            using var rgb = Mat.FromPixelData(path.Height, path.Width, MatType.CV_8UC3, input);
            using var bgr = new Mat();
            Cv2.CvtColor(rgb, bgr, ColorConversionCodes.RGB2BGR);
            using var map = Mat.FromPixelData(path.Height, path.Width, MatType.CV_32FC1, path.Runner.Map);
            using var map8 = new Mat();
            map.ConvertTo(map8, MatType.CV_8UC1, 255.0);
            using var heat = new Mat();
            Cv2.ApplyColorMap(map8, heat, ColormapTypes.Jet);
            using var blend = new Mat();
            Cv2.AddWeighted(bgr, 0.55, heat, 0.45, 0, blend);
            using var tile = new Mat();
            Cv2.Resize(blend, tile, new Size(Tile, Tile), 0, 0, InterpolationFlags.Linear);
            if (pick.Image.MaskPath is not null)
            {
                var mask = Evaluation.ReadMask(pick.Image, Tile, Tile);
                using var maskMat = Mat.FromPixelData(Tile, Tile, MatType.CV_8UC1, mask.Select(m => m ? (byte)255 : (byte)0).ToArray());
                Cv2.FindContours(maskMat, out var contours, out _, RetrievalModes.External, ContourApproximationModes.ApproxSimple);
                Cv2.DrawContours(tile, contours, -1, new Scalar(0, 255, 0), 1);
            }

            int x = i % columns * Tile;
            int y = i / columns * (Tile + Caption);
            using (var roi = new Mat(canvas, new Rect(x, y, Tile, Tile)))
            {
                tile.CopyTo(roi);
            }

            bool wrong = (score >= threshold) != pick.Image.IsAnomalous;
            var colour = wrong ? new Scalar(60, 60, 255) : new Scalar(220, 220, 220);
            Cv2.PutText(canvas, Invariant($"{pick.Image.Kind} {score:F3}"), new Point(x + 4, y + Tile + 16), HersheyFonts.HersheySimplex, 0.45, colour, 1, LineTypes.AntiAlias);
        }

        return canvas;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
