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
    public static async Task<int> RunAsync(string[] args)
    {
        string model = Arg(args, "--model") ?? "engines/demo-clip";
        int frames = int.Parse(Arg(args, "--frames") ?? "600", CultureInfo.InvariantCulture);
        if (args.Contains("--outbox"))
        {
            OutboxBenchmark.Run(int.Parse(Arg(args, "--messages") ?? "20000", CultureInfo.InvariantCulture));
            return 0;
        }

        string images = Path.Combine(Path.GetTempPath(), "edge-inspector-bench", "parts-v1");
        if (!Directory.Exists(images))
        {
            SyntheticParts.WriteSet(images, 40, seed: 7);
        }

        // --intra-op-threads N: ONNX Runtime's thread count (0 = one per core); on a CPU-only box
        // fewer leave the other stages a core.
        int intraOp = int.Parse(Arg(args, "--intra-op-threads") ?? "0", CultureInfo.InvariantCulture);
        var loader = new ModelLoader(new InferenceOptions { IntraOpThreads = intraOp }, NullLogger<ModelLoader>.Instance);
        using var slot = new ModelSlot(loader.Load(model));
        var runner = slot.Current;
        Console.WriteLine($"model {runner.Package.Identity.Name} v{runner.Package.Identity.Version} ({runner.Width}x{runner.Height}) on {runner.Provider.Active}, {Environment.ProcessorCount} cores, ORT intra-op threads {(intraOp == 0 ? "default" : intraOp)}, {frames} frames");

        double rawFps = RawThroughput(runner, images, frames);
        var (pipelineFps, latencies) = await PipelineThroughputAsync(slot, images, frames);

        Console.WriteLine();
        Console.WriteLine($"raw ONNX Runtime      {rawFps,9:0.0} fps");
        Console.WriteLine($"full pipeline         {pipelineFps,9:0.0} fps  (replay → preprocess → infer → decide + thumbnail → durable outbox → MQTT)");
        Console.WriteLine($"pipeline / raw ratio  {pipelineFps / rawFps,9:0.000}  (goal >= 0.95)");
        Console.WriteLine();
        Console.WriteLine("stage latency (ms)        p50       p99");
        foreach (var (name, window) in new[] { ("acquire", latencies.Acquire), ("preprocess", latencies.Preprocess), ("infer", latencies.Infer), ("decide+thumbnail", latencies.Post), ("total", latencies.Total) })
        {
            var s = window.Summarize();
            Console.WriteLine($"{name,-20} {s.P50,9:0.000} {s.P99,9:0.000}");
        }

        return 0;
    }

    private static double RawThroughput(ModelRunner runner, string images, int frames)
    {
        var pool = new FramePool();
        using var writer = new ModelInputWriter();
        var input = new byte[runner.InputLength];
        using (var image = OpenCvSharp.Cv2.ImRead(Directory.GetFiles(images).Order(StringComparer.Ordinal).First()))
        using (var frame = pool.Rent(image.Width, image.Height, PixelFormat.Bgr8, 0, 0, 0))
        {
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

    private static async Task<(double Fps, StageLatencies Latencies)> PipelineThroughputAsync(ModelSlot slot, string images, int frames)
    {
        var agent = new AgentOptions { DeviceId = "bench", MaxFrames = frames };
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
        await using var camera = new ReplayCamera(new ReplayOptions { Path = images, Fps = 0, Loop = true }, new FramePool());
        await camera.OpenAsync(CancellationToken.None);
        using var io = new LineIo(new LightStrobe(new LightOptions { LeadTime = TimeSpan.Zero }, new System.Device.Gpio.GpioController(new RecordingGpioDriver())));
        var pipeline = new InspectionPipeline(camera, io, slot, agent, thresholds, [publisher], telemetry, NullLogger.Instance);

        long start = Stopwatch.GetTimestamp();
        await pipeline.RunAsync(CancellationToken.None);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        await link.FlushAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await linkStop.CancelAsync();
        await linkRunning;
        return (frames / seconds, pipeline.Latencies);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
