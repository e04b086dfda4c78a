using System.Diagnostics;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>
/// Runs the serving model: the raw score and the anomaly map, and which model made them. A staged
/// model takes over here, between two frames; a frame that was preprocessed for the old model's
/// geometry is prepared again for the new one.
/// </summary>
internal sealed class InferStage(ModelSlot models, FrameRegion region)
{
    /// <summary>This stage's own: the preprocess stage's runs on another thread.</summary>
    private readonly PreprocessStage _again = new(models, region);

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var runner = models.TakeOver();
        if (runner.Width != inspection.InputWidth || runner.Height != inspection.InputHeight)
        {
            _again.Prepare(inspection, runner.Width, runner.Height, runner.Package.Manifest.Input.Resize);
        }

        inspection.RawScore = runner.Run(inspection.Input.AsSpan(0, runner.InputLength));
        int pixels = runner.Width * runner.Height;
        runner.Map.AsSpan(0, pixels).CopyTo(inspection.RentMap(pixels));
        inspection.Model = runner.Identity;
        inspection.Package = runner.Package;
        inspection.InferMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
