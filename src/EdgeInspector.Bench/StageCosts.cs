using System.Diagnostics;
using System.Runtime.InteropServices;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using OpenCvSharp;

namespace EdgeInspector.Bench;

/// <summary>
/// One stage's cost on one core: percentiles of the thread's CPU time (what the stage costs, whatever
/// else the box runs), the wall-clock median beside it, and the frame rate it could sustain alone.
/// </summary>
internal sealed record StageCost(string Name, double P50, double P99, int Samples, double WallP50 = 0)
{
    /// <summary>Frames per second one core sustains at the p99 cost (the bound a line can plan on).</summary>
    public double MaxFps => P99 > 0 ? 1000 / P99 : 0;
}

/// <summary>
/// The CPU stages alone, one thread, on sensor-size frames: today's path next to the one built for
/// it, so the gain is measured on the same frames in the same run; and what each tiling costs in
/// every stage, its batched model run included.
/// </summary>
internal static class StageCosts
{
    /// <param name="loadBatch">Loads the model bound for a batch of N tiles (one runner per tiling, as a tiled line loads it).</param>
    public static List<StageCost> Measure(SyntheticCamera camera, ModelRunner runner, FrameRegion roi, int iterations, IReadOnlyList<FrameTiling> tilings, Func<int, ModelRunner> loadBatch)
    {
        Cv2.SetNumThreads(1); // as the pipeline runs OpenCV: one stage, one core
        int w = runner.Width, h = runner.Height;
        var input = new byte[runner.InputLength];
        var map = new float[w * h];
        using var writer = new ModelInputWriter { Region = roi };
        using var banded = new ModelInputWriter(bands: 2) { Region = roi };
        using var finder = new DefectRegionFinder();
        using var thumbnail = new HeatmapThumbnail();
        using var rgb = new Mat();
        using var small = new Mat();
        var decision = runner.Package.Manifest.Decision;
        FrameRegion area;
        using (var first = camera.Capture())
        {
            area = writer.Write(first, w, h, "area", input);
            runner.Run(input);
            runner.Map.AsSpan(0, map.Length).CopyTo(map);
        }

        int slow = Math.Max(5, iterations / 10);
        int runs = Math.Max(5, iterations / 20);
        return
        [
            Time("preprocess, OpenCV convert + INTER_AREA (before)", camera, slow, frame =>
            {
                FrameImage.ToRgb(frame, rgb);
                Cv2.Resize(rgb, small, new Size(w, h), 0, 0, InterpolationFlags.Area);
            }, warmUp: 2),
            Time("preprocess, ROI + bin + area (now)", camera, iterations, frame => writer.Write(frame, w, h, "area", input)),
            Time("preprocess, 2 bands (this core's share)", camera, iterations, frame => banded.Write(frame, w, h, "area", input)),
            Time("decide+thumbnail from the frame (before)", camera, slow, frame =>
                thumbnail.Render(frame, map, w, h, finder.Find(map, w, h, decision, frame.Width, frame.Height)), warmUp: 2),
            Time("decide+thumbnail from model image (now)", camera, iterations, _ =>
                thumbnail.Render(input, w, h, area, map, finder.Find(map, w, h, decision, area))),
            Time("full-resolution JPEG (snapshot only)", camera, Math.Max(3, iterations / 40), frame => FrameJpeg.Encode(frame), warmUp: 1),
            Time("infer, 1 input (wall: ORT's own threads)", camera, runs, _ => runner.Run(input), warmUp: 2, wall: true),
            .. tilings.SelectMany(tiling => Tiled(tiling, camera, roi, w, h, iterations, runs, decision, loadBatch)),
        ];
    }

    /// <summary>
    /// A tiling's stages: every tile reduced into one batch, the batch scored in one model run, the
    /// maps and tiles stitched for the regions and the thumbnail.
    /// </summary>
    private static List<StageCost> Tiled(FrameTiling tiling, SyntheticCamera camera, FrameRegion roi, int w, int h, int iterations, int runs, DecisionSettings decision, Func<int, ModelRunner> loadBatch)
    {
        var batch = new byte[tiling.Count * w * h * 3];
        int width = w * tiling.Columns, height = h * tiling.Rows;
        var map = new float[width * height];
        var image = new byte[width * height * 3];
        using var runner = loadBatch(tiling.Count);
        using var finder = new DefectRegionFinder();
        using var thumbnail = new HeatmapThumbnail();
        FrameRegion area;
        using (var first = camera.Capture())
        {
            area = tiling.Write(first, roi, w, h, batch);
        }

        return
        [
            Time($"preprocess, {tiling} tiles ({tiling.Count} inputs)", camera, iterations / 2, frame => tiling.Write(frame, roi, w, h, batch)),
            Time($"infer, {tiling} tiles, one batched run (wall)", camera, runs, _ => runner.RunBatch(batch), warmUp: 2, wall: true),
            Time($"decide+thumbnail, {tiling} tiles stitched", camera, iterations / 2, _ =>
            {
                tiling.Stitch<float>(runner.Map, w, h, map);
                tiling.Stitch<byte>(batch, w, h, image, channels: 3);
                thumbnail.Render(image, width, height, area, map, finder.Find(map, width, height, decision, area));
            }),
        ];
    }

    /// <summary>
    /// Times <paramref name="iterations"/> calls after <paramref name="warmUp"/> untimed ones: the runtime
    /// compiles a hot loop twice (quick code first, optimised code after ~30 calls), and an agent
    /// runs for hours on the second. A <paramref name="wall"/> stage (the model: ONNX Runtime runs it
    /// on its own threads) reports wall-clock percentiles, this thread's CPU time would miss its work.
    /// </summary>
    private static StageCost Time(string name, SyntheticCamera camera, int iterations, Action<Frame> stage, int warmUp = 60, bool wall = false)
    {
        for (int i = 0; i < warmUp; i++)
        {
            using var warm = camera.Capture();
            stage(warm);
        }

        var cpu = new double[iterations];
        var wallMs = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            using var frame = camera.Capture();
            long start = Stopwatch.GetTimestamp();
            double cpuStart = ThreadCpuMs();
            stage(frame);
            cpu[i] = ThreadCpuMs() - cpuStart;
            wallMs[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(cpu);
        Array.Sort(wallMs);
        var cost = wall ? wallMs : cpu;
        return new StageCost(name, LatencyWindow.Percentile(cost, 0.50), LatencyWindow.Percentile(cost, 0.99), iterations, LatencyWindow.Percentile(wallMs, 0.50));
    }

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    /// <summary>This thread's CPU time in ms: a stage's cost without the time other processes held the core.</summary>
    private static double ThreadCpuMs() => ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? (t.Seconds * 1e3) + (t.Nanoseconds / 1e6) : 0;
}
