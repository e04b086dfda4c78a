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
/// it, so the gain is measured on the same frames in the same run.
/// </summary>
internal static class StageCosts
{
    public static List<StageCost> Measure(SyntheticCamera camera, ModelRunner runner, FrameRegion roi, int iterations, IReadOnlyList<FrameTiling> tilings)
    {
        Cv2.SetNumThreads(1); // as the pipeline runs OpenCV: one stage, one core
        int w = runner.Width, h = runner.Height;
        var input = new byte[runner.InputLength];
        var map = new float[w * h];
        using var writer = new ModelInputWriter { Region = roi };
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
        return
        [
            Time("preprocess, OpenCV convert + INTER_AREA (before)", camera, slow, frame =>
            {
                FrameImage.ToRgb(frame, rgb);
                Cv2.Resize(rgb, small, new Size(w, h), 0, 0, InterpolationFlags.Area);
            }, warmUp: 2),
            Time("preprocess, ROI + bin + area (now)", camera, iterations, frame => writer.Write(frame, w, h, "area", input)),
            Time("decide+thumbnail from the frame (before)", camera, slow, frame =>
                thumbnail.Render(frame, map, w, h, finder.Find(map, w, h, decision, frame.Width, frame.Height)), warmUp: 2),
            Time("decide+thumbnail from model image (now)", camera, iterations, _ =>
                thumbnail.Render(input, w, h, area, map, finder.Find(map, w, h, decision, area))),
            Time("full-resolution JPEG (snapshot only)", camera, Math.Max(3, iterations / 40), frame => FrameJpeg.Encode(frame), warmUp: 1),
            .. tilings.Select(tiling => Tiled(tiling, camera, roi, w, h, iterations)),
        ];
    }

    /// <summary>A tiling's preprocessing: every tile reduced into one batch (the model then scores N inputs).</summary>
    private static StageCost Tiled(FrameTiling tiling, SyntheticCamera camera, FrameRegion roi, int w, int h, int iterations)
    {
        var batch = new byte[tiling.Count * w * h * 3];
        return Time($"preprocess, {tiling} tiles ({tiling.Count} inputs)", camera, iterations / 2, frame => tiling.Write(frame, roi, w, h, batch));
    }

    /// <summary>
    /// Times <paramref name="iterations"/> calls after <paramref name="warmUp"/> untimed ones: the runtime
    /// compiles a hot loop twice (quick code first, optimised code after ~30 calls), and an agent
    /// runs for hours on the second.
    /// </summary>
    private static StageCost Time(string name, SyntheticCamera camera, int iterations, Action<Frame> stage, int warmUp = 60)
    {
        for (int i = 0; i < warmUp; i++)
        {
            using var warm = camera.Capture();
            stage(warm);
        }

        var cpu = new double[iterations];
        var wall = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            using var frame = camera.Capture();
            long start = Stopwatch.GetTimestamp();
            double cpuStart = ThreadCpuMs();
            stage(frame);
            cpu[i] = ThreadCpuMs() - cpuStart;
            wall[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        Array.Sort(cpu);
        Array.Sort(wall);
        return new StageCost(name, LatencyWindow.Percentile(cpu, 0.50), LatencyWindow.Percentile(cpu, 0.99), iterations, LatencyWindow.Percentile(wall, 0.50));
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
