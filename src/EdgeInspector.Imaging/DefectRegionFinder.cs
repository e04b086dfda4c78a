using EdgeInspector.Core;
using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Finds defect regions in an anomaly map: pixels above the pixel threshold, grouped into
/// 8-connected components, reported in original image pixels with each region's peak score.
/// Owns its scratch images; one instance per stage.
/// </summary>
public sealed class DefectRegionFinder : IDisposable
{
    private readonly Mat _mask = new();
    private readonly Mat _labels = new();
    private readonly Mat _stats = new();
    private readonly Mat _centroids = new();
    private double[] _peaks = new double[64];

    public IReadOnlyList<DefectRegion> Find(float[] map, int mapWidth, int mapHeight, DecisionSettings decision, int imageWidth, int imageHeight, int maxRegions = 32)
        => Find(map, mapWidth, mapHeight, decision, new FrameRegion(0, 0, imageWidth, imageHeight), maxRegions);

    /// <summary>Regions of a map that covers <paramref name="area"/> of the frame, in full-resolution frame pixels.</summary>
    public IReadOnlyList<DefectRegion> Find(float[] map, int mapWidth, int mapHeight, DecisionSettings decision, FrameRegion area, int maxRegions = 32)
    {
        using var mapMat = Mat.FromPixelData(mapHeight, mapWidth, MatType.CV_32FC1, map);
        Cv2.Threshold(mapMat, _mask, decision.PixelThreshold, 255, ThresholdTypes.Binary);
        _mask.ConvertTo(_mask, MatType.CV_8UC1);
        int count = Cv2.ConnectedComponentsWithStats(_mask, _labels, _stats, _centroids, PixelConnectivity.Connectivity8, MatType.CV_32S);
        if (count <= 1)
        {
            return [];
        }

        RegionPeaks(map, mapWidth * mapHeight, count);
        double sx = (double)area.Width / mapWidth;
        double sy = (double)area.Height / mapHeight;
        var regions = new List<DefectRegion>();
        for (int label = 1; label < count; label++)
        {
            int pixelArea = _stats.At<int>(label, (int)ConnectedComponentsTypes.Area);
            if (pixelArea < decision.MinRegionAreaPx)
            {
                continue;
            }

            int x = _stats.At<int>(label, (int)ConnectedComponentsTypes.Left);
            int y = _stats.At<int>(label, (int)ConnectedComponentsTypes.Top);
            int w = _stats.At<int>(label, (int)ConnectedComponentsTypes.Width);
            int h = _stats.At<int>(label, (int)ConnectedComponentsTypes.Height);
            regions.Add(new DefectRegion(
                area.X + (int)Math.Floor(x * sx),
                area.Y + (int)Math.Floor(y * sy),
                (int)Math.Ceiling(w * sx),
                (int)Math.Ceiling(h * sy),
                (int)Math.Round(pixelArea * sx * sy),
                Math.Round(_peaks[label], 4)));
        }

        regions.Sort((a, b) => b.Score.CompareTo(a.Score));
        return regions.Count > maxRegions ? regions.GetRange(0, maxRegions) : regions;
    }

    private unsafe void RegionPeaks(float[] map, int pixels, int count)
    {
        if (_peaks.Length < count)
        {
            _peaks = new double[count * 2];
        }

        Array.Clear(_peaks, 0, count);
        // Read the label image in place: copying it out would allocate a map-sized array per frame.
        var labels = new ReadOnlySpan<int>((void*)_labels.DataPointer, pixels);
        for (int i = 0; i < labels.Length; i++)
        {
            int label = labels[i];
            if (label > 0 && map[i] > _peaks[label])
            {
                _peaks[label] = map[i];
            }
        }
    }

    public void Dispose()
    {
        _mask.Dispose();
        _labels.Dispose();
        _stats.Dispose();
        _centroids.Dispose();
    }
}
