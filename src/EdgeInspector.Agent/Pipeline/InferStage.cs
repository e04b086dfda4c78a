using System.Diagnostics;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>
/// Runs the serving model: the raw score and the anomaly map, and which model made them. A staged
/// model takes over here, between two frames; a frame that was preprocessed for the old model's
/// geometry is prepared again for the new one. A tiled part's tiles are scored in one batched run;
/// its score is the highest tile's, its maps stay per tile (the decide stage stitches them).
/// </summary>
internal sealed class InferStage(ModelSlot models, FrameRegion region, FrameTiling tiling)
{
    /// <summary>This stage's own: the preprocess stage's runs on another thread.</summary>
    private readonly PreprocessStage _again = new(models, region, new FrameTiling(tiling.Columns, tiling.Rows));

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var runner = models.TakeOver();
        if (runner.Width != inspection.InputWidth || runner.Height != inspection.InputHeight)
        {
            _again.Prepare(inspection, runner.Width, runner.Height, runner.Package.Manifest.Input.Resize);
        }

        int pixels = runner.Width * runner.Height;
        if (inspection.Tiles == 1)
        {
            inspection.RawScore = runner.Run(inspection.Input.AsSpan(0, runner.InputLength));
        }
        else
        {
            inspection.RawScore = Max(runner.RunBatch(inspection.Input.AsSpan(0, inspection.Tiles * runner.InputLength)));
        }

        runner.Map.AsSpan(0, inspection.Tiles * pixels).CopyTo(inspection.RentMap(inspection.Tiles * pixels));
        inspection.Model = runner.Identity;
        inspection.Package = runner.Package;
        inspection.InferMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static float Max(ReadOnlySpan<float> scores)
    {
        float max = float.MinValue;
        foreach (float s in scores)
        {
            max = Math.Max(max, s);
        }

        return max;
    }
}
