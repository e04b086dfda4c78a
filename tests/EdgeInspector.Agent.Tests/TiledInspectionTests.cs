using System.Collections.Concurrent;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
using EdgeInspector.Enrollment;
using EdgeInspector.Gpio;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;
using Xunit.Abstractions;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// Issue 12's proof, through the agent's pipeline: a 2-pixel scratch on a 4096 x 2160 BayerRG8
/// frame, scored by the default engine untiled (one model input for the whole frame) and with
/// 2x2 tiles (four inputs at twice the resolution, one batched run). Each tiling is first enrolled
/// on good frames of the same line, as cmd/enroll does (the pipeline's own model inputs, every
/// tile of a part): a bank of the demo's 640x480 parts does not know this frame's scale.
/// </summary>
public sealed class TiledInspectionTests(ITestOutputHelper output) : IDisposable
{
    private const int Width = 4096;
    private const int Height = 2160;

    // A faint scratch, 15 grey levels over the ~160 metal: one model input for 4096 px (448x336:
    // 9x fewer columns) averages it away, a 2x2 tile keeps twice its contrast.
    private static readonly Scalar ScratchGrey = new(175, 175, 175);

    // Wholly inside the top-right tile (x >= 2048, y < 1080): tile r0c1 of a 2x2 tiling.
    private static readonly Point ScratchFrom = new(2600, 300);
    private static readonly Point ScratchTo = new(3500, 800);

    private const int EnrolledParts = 10;

    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task A_two_pixel_scratch_on_a_4096x2160_frame_is_found_with_2x2_tiles_where_the_untiled_input_misses_it()
    {
        byte[][] good = [.. Enumerable.Range(20, EnrolledParts).Select(seed => Generate(seed, scratch: false))];
        byte[][] frames = [Generate(seed: 11, scratch: false), Generate(seed: 11, scratch: true)];

        var untiled = await InspectAsync("1x1", await EnrollAsync("1x1", good), frames);
        var tiled = await InspectAsync("2x2", await EnrollAsync("2x2", good), frames);
        output.WriteLine($"untiled threshold {untiled[1].Threshold}, good {untiled[0].RawScore} scratched {untiled[1].RawScore}; 2x2 threshold {tiled[1].Threshold}, good {tiled[0].RawScore} scratched {tiled[1].RawScore}");
        foreach (var r in tiled[1].Regions)
        {
            output.WriteLine(r.ToString());
        }

        Assert.True(untiled[1].RawScore < untiled[1].Threshold, $"untiled: the scratch scored {untiled[1].RawScore}, threshold {untiled[1].Threshold}");
        Assert.True(tiled[1].RawScore > tiled[1].Threshold, $"2x2: the scratch scored {tiled[1].RawScore}, threshold {tiled[1].Threshold}");
        Assert.Equal(VerdictKind.Ok, untiled[0].Kind);
        Assert.Equal(VerdictKind.Ok, untiled[1].Kind);
        Assert.Equal(VerdictKind.Ok, tiled[0].Kind);
        Assert.Equal(VerdictKind.Ng, tiled[1].Kind);
        var region = tiled[1].Regions[0];
        Assert.Equal("r0c1", region.Tile);
        Assert.InRange(region.X + (region.W / 2), ScratchFrom.X, ScratchTo.X);
        Assert.InRange(region.Y + (region.H / 2), ScratchFrom.Y, ScratchTo.Y);
        Assert.All(tiled[1].Regions, r => Assert.Matches("^r[01]c[01]$", r.Tile));
        Assert.All(untiled, v => Assert.All(v.Regions, r => Assert.Null(r.Tile)));
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>The default engine enrolled on <paramref name="good"/> through the pipeline with <paramref name="tiling"/>, as cmd/enroll collects them.</summary>
    private async Task<string> EnrollAsync(string tiling, byte[][] good)
    {
        var parts = new EnrollmentParts();
        using var slot = Load(tiling, RepoPaths.DefaultEnginePackage);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var collected = parts.CollectAsync(good.Length, slot.Current.Identity, _ => { }, timeout.Token);
        await RunAsync(tiling, slot, good, new ConcurrentQueue<Verdict>(), [parts], timeout.Token);
        var inputs = await collected;
        var enrolled = MemoryBankEnrollment.Write(slot.Current.Package, inputs, _temp.Combine(tiling), new EnrollmentSettings { Note = $"{tiling} test line" }, timeout.Token);
        output.WriteLine($"{tiling}: enrolled {enrolled.GoodParts} model inputs of {good.Length} parts, {enrolled.BankRows} bank rows, {enrolled.Seconds:0.0} s");
        return enrolled.Package;
    }

    private static async Task<List<Verdict>> InspectAsync(string tiling, string package, byte[][] frames)
    {
        using var slot = Load(tiling, package);
        var verdicts = new ConcurrentQueue<Verdict>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await RunAsync(tiling, slot, frames, verdicts, [], timeout.Token);
        return [.. verdicts];
    }

    private static ModelSlot Load(string tiling, string package)
    {
        var loader = new ModelLoader(new InferenceOptions { Providers = [ExecutionProviderKind.Cpu] }, NullLogger<ModelLoader>.Instance, Options(tiling).ToFrameTiling().Count);
        return new ModelSlot(loader.Load(package));
    }

    private static AgentOptions Options(string tiling) => new() { DeviceId = "t", Tiling = tiling };

    private static async Task RunAsync(string tiling, ModelSlot slot, byte[][] frames, ConcurrentQueue<Verdict> verdicts, IReadOnlyList<IInspectionTap> taps, CancellationToken stop)
    {
        await using var camera = new GeneratedFrames(frames);
        using var io = new LineIo(new LightStrobe(new LightOptions { Mode = LightMode.Off }, null));
        var pipeline = new InspectionPipeline(camera, io, slot, Options(tiling), new LineThresholds(new ModelOptions()), [new Sink(verdicts)], new AgentTelemetry("t"), NullLogger.Instance, taps: taps);
        await pipeline.RunAsync(CancellationToken.None, stop);
    }

    /// <summary>The demo's brushed-metal part at sensor size, mosaiced as the BFS-U3-89S6C delivers it; the scratch drawn at full resolution.</summary>
    private static byte[] Generate(int seed, bool scratch)
    {
        using var part = SyntheticParts.Render(1024, 540, SyntheticDefect.None, seed);
        using var rgb = new Mat();
        Cv2.CvtColor(part, rgb, ColorConversionCodes.BGR2RGB);
        Cv2.Resize(rgb, rgb, new Size(Width, Height), 0, 0, InterpolationFlags.Linear);
        if (scratch)
        {
            Cv2.Line(rgb, ScratchFrom, ScratchTo, ScratchGrey, thickness: 2, LineTypes.Link8);
        }

        return BayerMosaic.Sample(rgb, PixelFormat.BayerRG8);
    }

    private sealed class Sink(ConcurrentQueue<Verdict> verdicts) : IVerdictSink
    {
        public void Publish(Verdict verdict, byte[]? thumbnail) => verdicts.Enqueue(verdict);
    }

    /// <summary>Plays the generated frames once, then ends like a finished replay.</summary>
    private sealed class GeneratedFrames(byte[][] frames) : ICamera
    {
        private readonly FramePool _pool = new();
        private int _next;

        public string Backend => "generated";

        public bool IsConnected => true;

        public long Dropped => 0;

        public ValueTask OpenAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public ValueTask<Frame?> CaptureAsync(CancellationToken cancellationToken)
        {
            if (_next == frames.Length)
            {
                return ValueTask.FromResult<Frame?>(null);
            }

            var frame = _pool.Rent(Width, Height, PixelFormat.BayerRG8, _next, 0, System.Diagnostics.Stopwatch.GetTimestamp());
            frames[_next++].CopyTo(frame.Pixels);
            return ValueTask.FromResult<Frame?>(frame);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
