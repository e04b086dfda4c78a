using System.Collections.Concurrent;
using EdgeInspector.Acquisition;
using EdgeInspector.Core;
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
/// frame, scored by the default engine untiled (one 224 px input for the whole frame) and with
/// 2x2 tiles (four 224 px inputs at twice the resolution, one batched run).
/// </summary>
public sealed class TiledInspectionTests(ITestOutputHelper output)
{
    private const int Width = 4096;
    private const int Height = 2160;

    // A faint scratch, 25 grey levels over the ~160 metal: one 224 px input for 4096 px averages it
    // away, a 2x2 tile keeps twice its contrast.
    private static readonly Scalar ScratchGrey = new(185, 185, 185);

    // Wholly inside the top-right tile (x >= 2048, y < 1080): tile r0c1 of a 2x2 tiling.
    private static readonly Point ScratchFrom = new(2600, 300);
    private static readonly Point ScratchTo = new(3500, 800);

    [Fact]
    public async Task A_two_pixel_scratch_on_a_4096x2160_frame_is_found_with_2x2_tiles_where_the_untiled_input_misses_it()
    {
        byte[][] frames = [Generate(seed: 11, scratch: false), Generate(seed: 11, scratch: true)];

        var untiled = await InspectAsync("1x1", frames);
        var tiled = await InspectAsync("2x2", frames);
        output.WriteLine($"threshold {tiled[1].Threshold}; untiled good {untiled[0].RawScore} scratched {untiled[1].RawScore}; 2x2 good {tiled[0].RawScore} scratched {tiled[1].RawScore}");
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

    private static async Task<List<Verdict>> InspectAsync(string tiling, byte[][] frames)
    {
        var options = new AgentOptions { DeviceId = "t", Tiling = tiling };
        var loader = new ModelLoader(new InferenceOptions { Providers = [ExecutionProviderKind.Cpu] }, NullLogger<ModelLoader>.Instance, options.ToFrameTiling().Count);
        using var slot = new ModelSlot(loader.Load(RepoPaths.DefaultEnginePackage));
        await using var camera = new GeneratedFrames(frames);
        using var io = new LineIo(new LightStrobe(new LightOptions { Mode = LightMode.Off }, null));
        var verdicts = new ConcurrentQueue<Verdict>();
        var pipeline = new InspectionPipeline(camera, io, slot, options, new LineThresholds(new ModelOptions()), [new Sink(verdicts)], new AgentTelemetry("t"), NullLogger.Instance);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await pipeline.RunAsync(CancellationToken.None, timeout.Token);
        return [.. verdicts];
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
