using System.Diagnostics;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>Frame → model input tensor (debayer/convert and resize), in the geometry of the serving model.</summary>
internal sealed class PreprocessStage(ModelSlot models, FrameRegion region)
{
    private readonly ModelInputWriter _writer = new() { Region = region };

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var model = models.Current.Package.Manifest.Input;
        inspection.Area = _writer.Write(inspection.Frame!, model.Width, model.Height, model.Resize, inspection.RentInput(model.Width, model.Height));
        inspection.PreprocessMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

/// <summary>
/// Runs the serving model. A staged model takes over here, between two frames; a frame that was
/// preprocessed for the old model's geometry is prepared again for the new one.
/// </summary>
internal sealed class InferStage(ModelSlot models, LineThresholds thresholds, FrameRegion region)
{
    private readonly ModelInputWriter _writer = new() { Region = region };

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var runner = models.TakeOver();
        if (runner.Width != inspection.InputWidth || runner.Height != inspection.InputHeight)
        {
            var input = runner.Package.Manifest.Input;
            inspection.Area = _writer.Write(inspection.Frame!, runner.Width, runner.Height, input.Resize, inspection.RentInput(runner.Width, runner.Height));
        }

        inspection.RawScore = runner.Run(inspection.Input.AsSpan(0, runner.InputLength));
        int pixels = runner.Width * runner.Height;
        runner.Map.AsSpan(0, pixels).CopyTo(inspection.RentMap(pixels));
        inspection.Model = runner.Identity;
        inspection.Decision = thresholds.DecisionFor(runner.Package);
        inspection.InferMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}

/// <summary>Defect regions from the anomaly map, and the heat-map thumbnail.</summary>
internal sealed class DecideStage(ThumbnailOptions thumbnail, FrameSnapshots? snapshots, EnrollmentParts? enrollment)
{
    private readonly DefectRegionFinder _regions = new();
    private readonly HeatmapThumbnail _thumbnail = new(thumbnail.Width, thumbnail.MaxBytes, thumbnail.Quality);

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var frame = inspection.Frame!;
        inspection.Regions = _regions.Find(inspection.Map!, inspection.InputWidth, inspection.InputHeight, inspection.Decision!, inspection.Area);
        inspection.Thumbnail = _thumbnail.Render(inspection.Input!, inspection.InputWidth, inspection.InputHeight, inspection.Area, inspection.Map, inspection.Regions);
        snapshots?.Offer(frame, inspection.Id);
        enrollment?.Offer(inspection);
        inspection.PostMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
