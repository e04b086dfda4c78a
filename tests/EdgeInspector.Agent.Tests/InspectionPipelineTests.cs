using System.Collections.Concurrent;
using System.Device.Gpio;
using System.Text.Json;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Gpio;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Agent.Tests;

public sealed class InspectionPipelineTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ModelLoader _loader = new(new InferenceOptions { Providers = [ExecutionProviderKind.Cpu] }, NullLogger<ModelLoader>.Instance);

    private sealed class RecordingSink(Action<Verdict>? onVerdict = null) : IVerdictSink
    {
        public ConcurrentQueue<(Verdict Verdict, byte[]? Thumbnail)> Received { get; } = new();

        public void Publish(Verdict verdict, byte[]? thumbnail)
        {
            Received.Enqueue((verdict, thumbnail));
            onVerdict?.Invoke(verdict);
        }
    }

    private string Images(int count)
    {
        string path = _dir.Combine("images");
        SyntheticParts.WriteSet(path, count, seed: 3);
        return path;
    }

    private static async Task<InspectionPipeline> RunAsync(ReplayOptions replay, ModelSlot slot, RecordingSink sink, LightStrobe? light = null, long maxFrames = 0, FramePool? pool = null, LineIo? io = null, Func<Task>? whileRunning = null, IReadOnlyList<IInspectionTap>? taps = null)
    {
        await using var camera = new ReplayCamera(replay, pool ?? new FramePool());
        await camera.OpenAsync(CancellationToken.None);
        using var line = io ?? new LineIo(light ?? new LightStrobe(new LightOptions { Mode = LightMode.Off }, null));
        var pipeline = new InspectionPipeline(camera, line, slot, new AgentOptions { DeviceId = "t", MaxFrames = maxFrames }, new LineThresholds(new ModelOptions()), [sink], new AgentTelemetry("t"), NullLogger.Instance, taps: taps);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = pipeline.RunAsync(CancellationToken.None, timeout.Token);
        if (whileRunning is not null)
        {
            await whileRunning();
        }

        await run;
        return pipeline;
    }

    [Fact]
    public async Task Every_frame_leaves_as_exactly_one_verdict_in_order()
    {
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        await RunAsync(new ReplayOptions { Path = Images(24), Fps = 0, Loop = false }, slot, sink);

        var verdicts = sink.Received.Select(r => r.Verdict).ToList();
        Assert.Equal(Enumerable.Range(1, 24).Select(i => (long)i), verdicts.Select(v => v.Seq));
        Assert.Contains(verdicts, v => v.Kind == VerdictKind.Ng);
        Assert.Contains(verdicts, v => v.Kind == VerdictKind.Ok);
        Assert.All(sink.Received, r => Assert.NotNull(r.Thumbnail));
        string[] files = Directory.GetFiles(_dir.Combine("images")).Order(StringComparer.Ordinal).ToArray();
        for (int i = 0; i < files.Length; i++)
        {
            bool defective = !files[i].EndsWith("_good.png", StringComparison.Ordinal);
            Assert.True(defective == (verdicts[i].Kind == VerdictKind.Ng), $"{Path.GetFileName(files[i])} was {verdicts[i].Kind} (raw {verdicts[i].RawScore})");
        }
    }

    [Fact]
    public async Task Frame_buffers_are_recycled_instead_of_allocated_per_frame()
    {
        var pool = new FramePool();
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        await RunAsync(new ReplayOptions { Path = Images(5), Fps = 0, Loop = true }, slot, sink, maxFrames: 200, pool: pool);

        Assert.Equal(200, sink.Received.Count);
        // At most one buffer per slot the five stages and four channels can hold at once.
        Assert.InRange(pool.Allocations, 1, 5 + (4 * new AgentOptions().StageCapacity));
    }

    [Fact]
    public async Task An_undecodable_image_becomes_an_error_verdict_and_the_line_goes_on()
    {
        string images = Images(6);
        string broken = Directory.GetFiles(images).Order(StringComparer.Ordinal).ElementAt(2);
        await File.WriteAllTextAsync(broken, "not a png");
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        await RunAsync(new ReplayOptions { Path = images, Fps = 0, Loop = false, CacheBytes = 0 }, slot, sink);

        var verdicts = sink.Received.Select(r => r.Verdict).ToList();
        Assert.Equal(6, verdicts.Count);
        var error = Assert.Single(verdicts, v => v.Kind == VerdictKind.Error);
        Assert.Equal(3, error.Seq);
        Assert.Contains(Path.GetFileName(broken), error.Error, StringComparison.Ordinal);
        Assert.Null(sink.Received.ElementAt(2).Thumbnail);
        Assert.Contains("\"verdict\":\"ERROR\"", System.Text.Encoding.UTF8.GetString(ContractJson.Serialize(error)), StringComparison.Ordinal);
    }

    private sealed class RecordingTap(RecordingSink sink) : IInspectionTap
    {
        public List<(long Seq, VerdictKind Kind, int InputBytes, bool PublishedFirst)> Seen { get; } = [];

        public void Observe(DecidedPart part)
        {
            var verdict = part.Verdict;
            Seen.Add((verdict.Seq, verdict.Kind, part.ModelInput.Length, sink.Received.Any(r => ReferenceEquals(r.Verdict, verdict))));
        }
    }

    [Fact]
    public async Task Taps_see_every_decided_part_after_its_verdict_is_published()
    {
        string images = Images(5);
        await File.WriteAllTextAsync(Directory.GetFiles(images).Order(StringComparer.Ordinal).ElementAt(1), "not a png");
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        var tap = new RecordingTap(sink);

        await RunAsync(new ReplayOptions { Path = images, Fps = 0, Loop = false, CacheBytes = 0 }, slot, sink, taps: [tap]);

        Assert.Equal([1L, 2, 3, 4, 5], tap.Seen.Select(s => s.Seq));
        Assert.All(tap.Seen, s => Assert.True(s.PublishedFirst, $"part {s.Seq} reached the tap before the sinks"));
        var input = slot.Current.Package.Manifest.Input;
        Assert.All(tap.Seen, s => Assert.Equal(s.Kind == VerdictKind.Error ? 0 : input.Width * input.Height * 3, s.InputBytes));
        Assert.Equal(VerdictKind.Error, tap.Seen[1].Kind);
    }

    [Fact]
    public async Task A_hot_swap_takes_over_between_two_frames_without_losing_or_repeating_one()
    {
        string v2 = CopyPackageAsVersion(2);
        var swapped = new List<int>();
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        slot.Swapped += r => swapped.Add(r.Package.Manifest.Version);
        var next = _loader.Load(v2);
        var sink = new RecordingSink(v =>
        {
            if (v.Seq == 5)
            {
                slot.Stage(next);
            }
        });
        await RunAsync(new ReplayOptions { Path = Images(10), Fps = 0, Loop = true }, slot, sink, maxFrames: 60);

        var verdicts = sink.Received.Select(r => r.Verdict).ToList();
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), verdicts.Select(v => v.Seq));
        var versions = verdicts.Select(v => v.Model!.Version).ToList();
        Assert.Equal(1, versions[0]);
        Assert.Equal(2, versions[^1]);
        int firstV2 = versions.IndexOf(2);
        Assert.All(versions.Skip(firstV2), v => Assert.Equal(2, v));
        Assert.True(firstV2 >= 5, "a frame already scored by v1 cannot be rescored by v2");
        Assert.Equal([2], swapped);
        Assert.Same(next, slot.Current);
    }

    [Fact]
    public async Task The_light_is_on_for_every_capture_and_off_between_them()
    {
        var driver = new RecordingGpioDriver();
        var light = new LightStrobe(new LightOptions { Mode = LightMode.Gpio, Pin = 7, LeadTime = TimeSpan.Zero }, new GpioController(driver));
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        await RunAsync(new ReplayOptions { Path = Images(8), Fps = 0, Loop = false }, slot, sink, light);

        var edges = driver.Edges.Where(e => e.Pin == 7).Select(e => e.Value).ToList();
        // Opening the pin drives it off, disposing drives it off again; between them one on/off
        // pair per capture attempt (8 frames + the one that found the source ended).
        Assert.Equal(PinValue.Low, edges[0]);
        Assert.Equal(PinValue.Low, edges[^1]);
        var strobes = edges.Skip(1).SkipLast(1).Chunk(2).ToList();
        Assert.Equal(9, strobes.Count);
        Assert.All(strobes, s => Assert.Equal([PinValue.High, PinValue.Low], s));
    }

    [Fact]
    public async Task With_a_part_sensor_each_part_is_captured_once_and_an_overrun_is_reported()
    {
        var driver = new RecordingGpioDriver();
        var controller = new GpioController(driver);
        // No debounce: a part is detected inside Drive(), so the test steps the line by what it
        // observes (light edges, verdicts) rather than by sleeps that a loaded machine stretches.
        var sensor = new PartSensorOptions { Enabled = true, Pin = 11, Debounce = TimeSpan.Zero };
        // A 1 s light lead time keeps capture 2 open long enough for part 3 to arrive during it.
        var io = new LineIo(new LightStrobe(new LightOptions { Pin = 7, LeadTime = TimeSpan.FromSeconds(1) }, controller), new PartTrigger(sensor, controller, GpioDriverKind.Recording));
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        int LightOns() => driver.Edges.Count(e => e.Pin == 7 && e.Value == PinValue.High);

        var pipeline = await RunAsync(new ReplayOptions { Path = Images(6), Fps = 0, Loop = true }, slot, sink, maxFrames: 4, io: io, whileRunning: async () =>
        {
            Part(driver);
            await UntilAsync(() => !sink.Received.IsEmpty, "verdict 1");
            Part(driver);
            await UntilAsync(() => LightOns() == 2, "capture 2 under way");
            Part(driver);
            await UntilAsync(() => sink.Received.Count == 3, "verdict 2 and the overrun");
            Part(driver);
        });

        var verdicts = sink.Received.Select(r => r.Verdict).ToList();
        Assert.Equal([1L, 2, 3, 4], verdicts.Select(v => v.Seq));
        var overrun = Assert.Single(verdicts, v => v.Kind == VerdictKind.Error);
        Assert.Equal(3, overrun.Seq);
        Assert.StartsWith("overrun", overrun.Error, StringComparison.Ordinal);
        Assert.Equal(1, pipeline.Overruns);
        Assert.Equal(3, LightOns());
    }

    [Fact]
    public async Task The_reject_actuator_gets_one_pulse_per_NG_part_and_none_for_OK_parts()
    {
        var driver = new RecordingGpioDriver();
        var controller = new GpioController(driver);
        // The actuator sits 2 s down the conveyor so that no verdict is late even when a loaded CI
        // box stretches inference to hundreds of milliseconds.
        var reject = new RejectOptions { Enabled = true, Pin = 13, Delay = TimeSpan.FromSeconds(2), PulseWidth = TimeSpan.FromMilliseconds(5) };
        var output = new RejectOutput(reject, controller, GpioDriverKind.Recording);
        var io = new LineIo(new LightStrobe(new LightOptions { Mode = LightMode.Off }, null), Reject: output);
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        await RunAsync(new ReplayOptions { Path = Images(12), Fps = 4, Loop = false }, slot, sink, io: io);
        int ng = sink.Received.Count(r => r.Verdict.Kind == VerdictKind.Ng);

        // Each NG part is submitted once and scheduled; OK parts are not.
        Assert.InRange(ng, 1, 11);
        Assert.Equal(0, output.Late);
        Assert.Equal(ng, output.Pulses);

        // The run ends by disposing the line I/O, which fires the pulses still due (the last NG
        // part's is 2 s away) and closes the pin: every edge pin 13 will ever see is recorded now.
        // Parts are 250 ms apart, but a replay that fell behind on a loaded box catches up with
        // frames back to back, and pulses that overlap merge into one (RejectOutputTests pins the
        // edge timing down on a fake clock), so there are at most ng pulses, each on then off.
        var levels = driver.Edges.Where(e => e.Pin == 13).Select(e => e.Value).ToList();
        Assert.Equal(PinValue.Low, levels[0]);
        Assert.Equal(PinValue.Low, levels[^1]);
        var pulses = levels.Skip(1).SkipLast(1).Chunk(2).ToList();
        Assert.InRange(pulses.Count, 1, ng);
        Assert.All(pulses, p => Assert.Equal([PinValue.High, PinValue.Low], p));
    }

    [Fact]
    public async Task A_host_driven_camera_trigger_pulses_inside_each_light_strobe()
    {
        var driver = new RecordingGpioDriver();
        var controller = new GpioController(driver);
        var trigger = new TriggerOutput(new TriggerOutputOptions { Enabled = true, Pin = 15 }, controller, GpioDriverKind.Recording);
        var io = new LineIo(new LightStrobe(new LightOptions { Pin = 7, LeadTime = TimeSpan.Zero }, controller), CameraTrigger: trigger);
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        var sink = new RecordingSink();
        await RunAsync(new ReplayOptions { Path = Images(4), Fps = 0, Loop = true }, slot, sink, maxFrames: 4, io: io);

        var edges = driver.Edges.Where(e => e.Pin is 7 or 15).Select(e => (e.Pin, High: e.Value == PinValue.High)).ToList();
        // Pins opened (both off), then per capture: light on, trigger on, trigger off, light off; then closed.
        var captures = edges.Skip(2).Take(16).Chunk(4).ToList();
        Assert.Equal(4, captures.Count);
        Assert.All(captures, c => Assert.Equal([(7, true), (15, true), (15, false), (7, false)], c));
        Assert.Equal(4, trigger.Pulses);
    }

    [Fact]
    public async Task A_line_waiting_for_parts_keeps_the_heartbeat_alive()
    {
        var driver = new RecordingGpioDriver();
        var controller = new GpioController(driver);
        using var io = new LineIo(new LightStrobe(new LightOptions { Mode = LightMode.Off }, null), new PartTrigger(new PartSensorOptions { Enabled = true, Pin = 11 }, controller, GpioDriverKind.Recording));
        using var slot = new ModelSlot(_loader.Load(RepoPaths.TextureBaselinePackage));
        await using var camera = new ReplayCamera(new ReplayOptions { Path = Images(2), Fps = 0 }, new FramePool());
        await camera.OpenAsync(CancellationToken.None);
        var heartbeat = new PipelineHeartbeat();
        var pipeline = new InspectionPipeline(camera, io, slot, new AgentOptions { DeviceId = "t" }, new LineThresholds(new ModelOptions()), [new RecordingSink()], new AgentTelemetry("t"), NullLogger.Instance, heartbeat);
        using var stop = new CancellationTokenSource();
        var run = pipeline.RunAsync(stop.Token);

        // No part arrives for 3.5 s; the watchdog's heartbeat must not go stale meanwhile.
        var stalest = TimeSpan.Zero;
        for (int i = 0; i < 35; i++)
        {
            await Task.Delay(100);
            stalest = heartbeat.SinceLastBeat > stalest ? heartbeat.SinceLastBeat : stalest;
        }

        await stop.CancelAsync();
        await run;
        Assert.True(stalest < TimeSpan.FromSeconds(2.5), $"heartbeat went {stalest.TotalSeconds:0.0} s without a beat");
    }

    /// <summary>A part passing a sensor without debounce: the input rises and falls.</summary>
    private static void Part(RecordingGpioDriver driver)
    {
        driver.Drive(11, PinValue.High);
        driver.Drive(11, PinValue.Low);
    }

    /// <summary>Waits for a condition the pipeline makes true; the bound only turns a hang into a failure.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }

    private string CopyPackageAsVersion(int version)
    {
        string target = _dir.Combine($"v{version}");
        Directory.CreateDirectory(target);
        File.Copy(Path.Combine(RepoPaths.TextureBaselinePackage, "model.onnx"), Path.Combine(target, "model.onnx"));
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(RepoPaths.TextureBaselinePackage, "manifest.json")), ManifestJson.Default.ModelManifest)!;
        File.WriteAllText(Path.Combine(target, "manifest.json"), JsonSerializer.Serialize(manifest with { Version = version }, ManifestJson.Default.ModelManifest));
        return target;
    }

    public void Dispose() => _dir.Dispose();
}
