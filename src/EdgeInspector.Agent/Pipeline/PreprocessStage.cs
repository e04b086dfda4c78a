using System.Diagnostics;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>
/// Frame → model input tensor (debayer/convert and resize), in the geometry of the serving model;
/// on a tiled line, one model-size image per tile, the batch the model scores in one run.
/// A thin call into Imaging's <see cref="ModelInputWriter"/> and <see cref="FrameTiling"/>: how a frame becomes a tensor lives there.
/// </summary>
internal sealed class PreprocessStage(ModelSlot models, FrameRegion region, FrameTiling tiling, int bands = 1)
{
    private readonly ModelInputWriter _writer = new(bands) { Region = region };

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var model = models.Current.Package.Manifest.Input;
        Prepare(inspection, model.Width, model.Height, model.Resize);
        inspection.PreprocessMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Writes the part's model input for a model of this geometry (one stage per thread: the writers keep buffers).</summary>
    public void Prepare(Inspection inspection, int width, int height, string resize)
    {
        if (tiling.Count == 1)
        {
            inspection.Area = _writer.Write(inspection.Frame!, width, height, resize, inspection.RentInput(width, height));
            return;
        }

        // Tiles are always area-reduced: a thin defect must keep its contrast, not alias with its phase.
        byte[] batch = inspection.RentInput(width, height, tiling.Count);
        inspection.Area = tiling.Write(inspection.Frame!, region, width, height, batch.AsSpan(0, width * height * 3 * tiling.Count));
    }
}
