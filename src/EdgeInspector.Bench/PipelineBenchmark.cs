using System.Diagnostics;
using System.Globalization;
using EdgeInspector.Acquisition;
using EdgeInspector.Agent;
using EdgeInspector.Agent.Mqtt;
using EdgeInspector.Core;
using EdgeInspector.Gpio;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Bench;

/// <summary>
/// Raw ONNX Runtime throughput against full-pipeline throughput on the same model, in one run:
/// the pipeline's goal is to cost the line nothing beyond the model (ratio >= 0.95).
/// </summary>
internal static class PipelineBenchmark
{
    /// <summary>The line camera's rate (Blackfly S BFS-U3-89S6C at 4096 x 2160): what a verdict rate is measured against.</summary>
    private const double CameraFps = 42;

    public static async Task<int> RunAsync(string[] args)
    {
        string model = Arg(args, "--model") ?? "engines/demo-clip";
        int frames = int.Parse(Arg(args, "--frames") ?? "600", CultureInfo.InvariantCulture);
        if (args.Contains("--outbox"))
        {
            OutboxBenchmark.Run(int.Parse(Arg(args, "--messages") ?? "20000", CultureInfo.InvariantCulture));
            return 0;
        }

        bool json = args.Contains("--json");
        var log = json ? TextWriter.Null : Console.Out;

        // --frame WxH [--pixel-format BayerRG8|RGB8|Mono8] [--roi X,Y,W,H]: sensor-size synthetic frames
        // instead of the demo's 640 x 480 images, and the CPU stages timed alone as well.
        SyntheticCamera? sensor = null;
        var roi = FrameRegion.Empty;
        if (Arg(args, "--frame") is { } size)
        {
            var (width, height) = ParseSize(size);
            var format = ParsePixelFormat(Arg(args, "--pixel-format") ?? "BayerRG8");
            roi = Arg(args, "--roi") is { } r ? ParseRegion(r) : FrameRegion.Empty;
            log.WriteLine($"generating {width}x{height} {format} frames from the demo's parts ...");
            sensor = new SyntheticCamera(width, height, format);
        }

        string images = Path.Combine(Path.GetTempPath(), "edge-inspector-bench", "parts-v1");
        if (sensor is null && !Directory.Exists(images))
        {
            SyntheticParts.WriteSet(images, 40, seed: 7);
        }

        // --intra-op-threads N: ONNX Runtime's thread count (0 = one per core); on a CPU-only box
        // fewer leave the other stages a core.
        int intraOp = int.Parse(Arg(args, "--intra-op-threads") ?? "0", CultureInfo.InvariantCulture);
        var loader = new ModelLoader(new InferenceOptions { IntraOpThreads = intraOp }, NullLogger<ModelLoader>.Instance);
        using var slot = new ModelSlot(loader.Load(model));
        var runner = slot.Current;
        // --resize area|bilinear|bicubic serves the model with another resize (default for sensor-size
        // frames: area, the antialiased path built for them; a full-resolution line's package says area).
        string resize = Arg(args, "--resize") ?? (sensor is null ? runner.Package.Manifest.Input.Resize : "area");
        runner.Package.Manifest.Input.Resize = resize;
        string source = sensor is null ? "demo images 640x480 Bgr8" : $"synthetic {sensor.Width}x{sensor.Height} {sensor.Format}{(roi.IsEmpty ? "" : $", ROI {roi.X},{roi.Y} {roi.Width}x{roi.Height}")}";
        log.WriteLine($"model {runner.Package.Identity.Name} v{runner.Package.Identity.Version} ({runner.Width}x{runner.Height}, resize {resize}) on {runner.Provider.Active}, {Environment.ProcessorCount} cores, ORT intra-op threads {(intraOp == 0 ? "default" : intraOp)}, {frames} frames of {source}");

        // --tiles 2x2,3x2: the tilings whose costs (preprocess, batched inference, decide) are reported beside the untiled input.
        var tilings = (Arg(args, "--tiles") ?? "2x2,3x2").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(FrameTiling.Parse).ToList();
        int iterations = int.Parse(Arg(args, "--iterations") ?? "200", CultureInfo.InvariantCulture);
        var isolated = sensor is null ? [] : StageCosts.Measure(sensor, runner, roi, iterations, tilings, batch => new ModelLoader(new InferenceOptions { IntraOpThreads = intraOp }, NullLogger<ModelLoader>.Instance, batch).Load(model));
        if (args.Contains("--stages-only"))
        {
            // The CPU stages alone, no model loop and no pipeline: a quick look while tuning.
            PrintStages(isolated);
            return 0;
        }

        double rawFps = RawThroughput(runner, sensor, roi, images, frames);
        using var allocations = new LargeAllocations();
        var run = await PipelineThroughputAsync(slot, sensor, roi, images, frames, () => allocations.Counting = true);
        var latencies = run.Latencies;
        var stages = new[] { ("acquire", latencies.Acquire), ("preprocess", latencies.Preprocess), ("infer", latencies.Infer), ("decide+thumbnail", latencies.Post), ("total", latencies.Total) }
            .Select(s => { var v = s.Item2.Summarize(); return new StageCost(s.Item1, v.P50, v.P99, 0); })
            .ToList();
        // Counted after warm-up (the first tenth of the parts fills the pools): what every further part costs.
        int counted = frames - (frames / 10);
        double largePerFrame = allocations.Ticks / (double)counted;

        if (json)
        {
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
            {
                machine = new { cores = Environment.ProcessorCount, os = System.Runtime.InteropServices.RuntimeInformation.OSDescription, arch = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString() },
                model = new { name = runner.Package.Identity.Name, version = runner.Package.Identity.Version, width = runner.Width, height = runner.Height, resize, provider = runner.Provider.Active.ToString(), intra_op_threads = intraOp },
                frame = sensor is null ? null : new { width = sensor.Width, height = sensor.Height, pixel_format = sensor.Format.ToString(), roi = roi.IsEmpty ? null : new { x = roi.X, y = roi.Y, width = roi.Width, height = roi.Height } },
                frames,
                raw_fps = Math.Round(rawFps, 2),
                pipeline_fps = Math.Round(run.Fps, 2),
                ratio = Math.Round(run.Fps / rawFps, 3),
                camera_fps = CameraFps,
                verdict_rate_vs_camera = Math.Round(run.Fps / CameraFps, 3),
                pipeline_stages_ms = stages.ToDictionary(s => s.Name, s => new { p50 = s.P50, p99 = s.P99, max_fps = Math.Round(s.MaxFps, 1) }),
                isolated_stages_cpu_ms = isolated.ToDictionary(s => s.Name, s => new { p50 = s.P50, p99 = s.P99, max_fps = Math.Round(s.MaxFps, 1), wall_p50 = s.WallP50, samples = s.Samples }),
                rss_mb = new { warm = run.Rss.Warm / 1048576.0, peak = run.Rss.Peak / 1048576.0, end = run.Rss.End / 1048576.0, growth_pct_second_to_last_tenth = Math.Round(run.Rss.GrowthPercent, 2), deciles = run.Rss.Deciles.Select(b => Math.Round(b / 1048576.0, 1)), managed_warm = run.Rss.ManagedWarm / 1048576.0, managed_end = run.Rss.ManagedEnd / 1048576.0 },
                large_allocations_per_frame_after_warmup = new { loh_samples = Math.Round(largePerFrame, 4), loh_bytes = allocations.Bytes / counted, types = allocations.Types },
                frame_pool_buffers = sensor?.PoolAllocations,
            }));
            return 0;
        }

        PrintStages(isolated);

        Console.WriteLine();
        Console.WriteLine($"raw ONNX Runtime      {rawFps,9:0.0} fps");
        Console.WriteLine($"full pipeline         {run.Fps,9:0.0} fps  ({(sensor is null ? "replay" : "synthetic camera")} → preprocess → infer → decide + thumbnail → durable outbox → MQTT)");
        Console.WriteLine($"pipeline / raw ratio  {run.Fps / rawFps,9:0.000}  (goal >= 0.95)");
        Console.WriteLine($"verdicts / camera     {run.Fps / CameraFps,9:0.000}  (camera {CameraFps} fps)");
        Console.WriteLine($"RSS                   {run.Rss.Warm / 1048576.0,9:0} MiB after a tenth of the parts, {run.Rss.End / 1048576.0:0} MiB after shutdown, peak {run.Rss.Peak / 1048576.0:0} MiB; {run.Rss.GrowthPercent:+0.0;-0.0} % from the second tenth to the last; GC heap {run.Rss.ManagedWarm / 1048576.0:0} -> {run.Rss.ManagedEnd / 1048576.0:0} MiB");
        Console.WriteLine($"RSS every 10 %        {string.Join(" ", run.Rss.Deciles.Select(b => (b / 1048576.0).ToString("0", CultureInfo.InvariantCulture)))} MiB");
        Console.WriteLine($"large allocations     {largePerFrame,9:0.000} LOH samples per frame after warm-up ({allocations.Bytes / counted} B/frame){(allocations.Ticks > 0 ? $": {allocations.Types}" : "")}");
        Console.WriteLine();
        Console.WriteLine("stage latency in the pipeline (ms)   p50       p99   fps at p99");
        foreach (var s in stages)
        {
            Console.WriteLine($"{s.Name,-30} {s.P50,9:0.000} {s.P99,9:0.000} {s.MaxFps,9:0.0}");
        }

        return 0;
    }

    private static void PrintStages(List<StageCost> isolated)
    {
        if (isolated.Count == 0)
        {
            return;
        }

        Console.WriteLine();
        Console.WriteLine("stages alone, one thread: CPU ms (infer: wall ms)  p50       p99   fps at p99   wall p50");
        foreach (var s in isolated)
        {
            Console.WriteLine($"{s.Name,-50} {s.P50,9:0.000} {s.P99,9:0.000} {s.MaxFps,9:0.0} {s.WallP50,12:0.000}");
        }
    }

    private static double RawThroughput(ModelRunner runner, SyntheticCamera? sensor, FrameRegion roi, string images, int frames)
    {
        var pool = new FramePool();
        using var writer = new ModelInputWriter { Region = roi };
        var input = new byte[runner.InputLength];
        if (sensor is not null)
        {
            using var frame = sensor.Capture();
            writer.Write(frame, runner.Width, runner.Height, runner.Package.Manifest.Input.Resize, input);
        }
        else
        {
            using var image = OpenCvSharp.Cv2.ImRead(Directory.GetFiles(images).Order(StringComparer.Ordinal).First());
            using var frame = pool.Rent(image.Width, image.Height, PixelFormat.Bgr8, 0, 0, 0);
            image.GetArray(out OpenCvSharp.Vec3b[] pixels);
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(pixels.AsSpan()).CopyTo(frame.Pixels);
            writer.Write(frame, runner.Width, runner.Height, runner.Package.Manifest.Input.Resize, input);
        }

        for (int i = 0; i < 20; i++)
        {
            runner.Run(input);
        }

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < frames; i++)
        {
            runner.Run(input);
        }

        return frames / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    private static async Task<(double Fps, StageLatencies Latencies, RssSamples Rss)> PipelineThroughputAsync(ModelSlot slot, SyntheticCamera? sensor, FrameRegion roi, string images, int frames, Action warm)
    {
        var agent = new AgentOptions { DeviceId = "bench", MaxFrames = frames };
        agent.Region = new RegionOptions { X = roi.X, Y = roi.Y, Width = roi.Width, Height = roi.Height };
        var telemetry = new AgentTelemetry(agent.DeviceId);
        // As on a device: verdicts through the durable outbox.
        using var state = new BenchDirectory();
        var mqtt = new MqttOptions();
        mqtt.EmbeddedBroker.Port = FreeLoopbackPort();
        mqtt.Outbox.Path = Path.Combine(state.Path, "outbox.db");
        var thresholds = new LineThresholds(new ModelOptions());
        // Only what a device's verdicts pass through: the embedded broker, the link and its durable outbox.
        await using var broker = new EmbeddedBroker(mqtt.EmbeddedBroker, NullLogger<EmbeddedBroker>.Instance);
        await broker.StartAsync();
        var outbox = VerdictOutbox.Open(mqtt.Outbox, NullLoggerFactory.Instance);
        await using var link = new MqttLink(mqtt, MqttConnection.Address(mqtt), "edge-inspector-bench", "bench/status", () => [], NullLogger<MqttLink>.Instance, outbox.Store);
        using var linkStop = new CancellationTokenSource();
        var linkRunning = link.RunAsync(linkStop.Token);
        var publisher = new MqttVerdictSink(link, new Topics(mqtt.TopicRoot, agent.DeviceId));
        await using ICamera camera = (ICamera?)sensor ?? new ReplayCamera(new ReplayOptions { Path = images, Fps = 0, Loop = true }, new FramePool());
        await camera.OpenAsync(CancellationToken.None);
        using var io = new LineIo(new LightStrobe(new LightOptions { LeadTime = TimeSpan.Zero }, new System.Device.Gpio.GpioController(new RecordingGpioDriver())));
        var pipeline = new InspectionPipeline(camera, io, slot, agent, thresholds, [publisher], telemetry, NullLogger.Instance);

        using var rss = new RssSampler(telemetry, frames, warm);
        long start = Stopwatch.GetTimestamp();
        await pipeline.RunAsync(CancellationToken.None);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await link.FlushAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await linkStop.CancelAsync();
        await linkRunning;
        return (frames / seconds, pipeline.Latencies, rss.Finish());
    }

    private static (int Width, int Height) ParseSize(string value)
    {
        var parts = value.Split('x', 'X');
        return parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int h) && w >= 2 && h >= 2
            ? (w, h)
            : throw new ArgumentException($"--frame takes WIDTHxHEIGHT (e.g. 4096x2160), not '{value}'.");
    }

    private static PixelFormat ParsePixelFormat(string value) => Enum.TryParse<PixelFormat>(value, ignoreCase: true, out var format)
        ? format
        : throw new ArgumentException($"--pixel-format takes {string.Join(", ", Enum.GetNames<PixelFormat>())}, not '{value}'.");

    private static FrameRegion ParseRegion(string value)
    {
        var p = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return p.Length == 4 ? new FrameRegion(p[0], p[1], p[2], p[3]) : throw new ArgumentException($"--roi takes X,Y,WIDTH,HEIGHT, not '{value}'.");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
