using System.Diagnostics;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>
/// Where a part is judged, completely: the line's thresholds for the package that scored it, the
/// defect regions, OK/NG, the normalised score, the heat-map thumbnail, and the finished
/// <see cref="Verdict"/>. Runs for every part, also one that failed earlier (its ERROR verdict is
/// built here too), so the publish stage only fans verdicts out. A tiled part's maps and tile
/// images are stitched into one over its region first; each defect region names its tile.
/// </summary>
internal sealed class DecideStage(ThumbnailOptions thumbnail, LineThresholds thresholds, ModelSlot models, string deviceId, InputGuard? guard = null, FrameTiling? tiling = null)
{
    private readonly DefectRegionFinder _regions = new();
    private readonly HeatmapThumbnail _thumbnail = new(thumbnail.Width, thumbnail.MaxBytes, thumbnail.Quality);
    private readonly FrameTiling _tiling = tiling ?? new FrameTiling(1, 1);
    private float[] _stitchedMap = [];
    private byte[] _stitchedImage = [];

    public void Run(Inspection inspection)
    {
        long start = Stopwatch.GetTimestamp();
        // A part that was not scored is judged against the serving model's settings, as before the swap.
        var package = inspection.Package ?? models.Current.Package;
        var decision = thresholds.DecisionFor(package);
        guard?.Check(inspection, package);
        if (inspection.Error is null)
        {
            try
            {
                if (inspection.Tiles == 1)
                {
                    inspection.Regions = _regions.Find(inspection.Map!, inspection.InputWidth, inspection.InputHeight, decision, inspection.Area);
                    inspection.Thumbnail = _thumbnail.Render(inspection.Input!, inspection.InputWidth, inspection.InputHeight, inspection.Area, inspection.Map, inspection.Regions);
                }
                else
                {
                    DecideTiled(inspection, decision);
                }
            }
            catch (Exception e) when (e is OpenCvSharp.OpenCVException or InvalidOperationException or ArgumentException)
            {
                inspection.Fail($"{e.GetType().Name}: {e.Message}");
            }

            inspection.PostMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        inspection.Verdict = ToVerdict(inspection, decision, inspection.Model ?? models.Current.Identity);
    }

    /// <summary>One map and one image over the tiled region, regions found on it in frame pixels, each named for its tile.</summary>
    private void DecideTiled(Inspection inspection, DecisionSettings decision)
    {
        int width = inspection.InputWidth * _tiling.Columns;
        int height = inspection.InputHeight * _tiling.Rows;
        if (_stitchedMap.Length != width * height)
        {
            // Sized once for the line's tiling and model; again only after a swap to another geometry.
            _stitchedMap = new float[width * height];
            _stitchedImage = new byte[width * height * 3];
        }

        _tiling.Stitch<float>(inspection.Map!, inspection.InputWidth, inspection.InputHeight, _stitchedMap);
        _tiling.Stitch<byte>(inspection.Input!, inspection.InputWidth, inspection.InputHeight, _stitchedImage, channels: 3);
        var regions = _regions.Find(_stitchedMap, width, height, decision, inspection.Area);
        inspection.Regions = [.. regions.Select(r => r with { Tile = _tiling.NameOf(_tiling.TileOf(r, inspection.Area)) })];
        inspection.Thumbnail = _thumbnail.Render(_stitchedImage, width, height, inspection.Area, _stitchedMap, inspection.Regions);
    }

    private Verdict ToVerdict(Inspection i, DecisionSettings decision, ModelIdentity model)
    {
        var kind = i.Error is not null ? VerdictKind.Error : i.RawScore >= decision.ImageThreshold ? VerdictKind.Ng : VerdictKind.Ok;
        double total = Stopwatch.GetElapsedTime(i.StartTicks).TotalMilliseconds;
        return new Verdict
        {
            Id = i.Id,
            Seq = i.Seq,
            Device = deviceId,
            Ts = i.Ts,
            Kind = kind,
            Score = kind == VerdictKind.Error ? 0 : Math.Round(decision.Normalize(i.RawScore), 4),
            RawScore = Math.Round(i.RawScore, 5),
            Threshold = decision.ImageThreshold,
            Regions = i.Regions,
            Model = model,
            TimingsMs = new StageTimings(Round(i.AcquireMs), Round(i.PreprocessMs), Round(i.InferMs), Round(i.PostMs), Round(total)),
            Image = new ImageSize(i.Frame?.Width ?? 0, i.Frame?.Height ?? 0),
            Error = i.Error,
        };
    }

    private static double Round(double ms) => Math.Round(ms, 3);
}
