using System.Diagnostics;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>
/// Frame → model input tensor (debayer/convert and resize), in the geometry of the serving model.
/// A thin call into Imaging's <see cref="ModelInputWriter"/>: how a frame becomes a tensor lives there.
/// </summary>
internal sealed class PreprocessStage(ModelSlot models, FrameRegion region)
{
    private readonly ModelInputWriter _writer = new() { Region = region };

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        var model = models.Current.Package.Manifest.Input;
        Prepare(inspection, model.Width, model.Height, model.Resize);
        inspection.PreprocessMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    /// <summary>Writes the part's model input for a model of this geometry (one writer per thread: it keeps buffers).</summary>
    public void Prepare(Inspection inspection, int width, int height, string resize) =>
        inspection.Area = _writer.Write(inspection.Frame!, width, height, resize, inspection.RentInput(width, height));
}
