using System.Buffers;
using System.Diagnostics;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// One part on its way through the pipeline. Its frame and tensors are pooled and go back when
/// it has been published. An inspection with <see cref="Error"/> set passes the remaining
/// stages untouched and is reported as an ERROR verdict.
/// </summary>
internal sealed class Inspection : IDisposable
{
    // Not ArrayPool.Shared: it trims its caches after a gen-2 collection, and the next parts then
    // allocate their model input and map afresh on the large-object heap. These keep what they hold
    // (64 per size: more than the parts a pipeline has in flight).
    private static readonly ArrayPool<byte> Inputs = ArrayPool<byte>.Create(1 << 30, 64);
    private static readonly ArrayPool<float> Maps = ArrayPool<float>.Create(1 << 28, 64);

    public Inspection(long seq, string id, long? partTicks = null)
    {
        Seq = seq;
        Id = id;
        PartTicks = partTicks;
        Ts = DateTimeOffset.UtcNow;
        StartTicks = Stopwatch.GetTimestamp();
    }

    public long Seq { get; }

    /// <summary>When the part sensor saw this part (Stopwatch ticks); null in free run.</summary>
    public long? PartTicks { get; }

    public string Id { get; }

    public DateTimeOffset Ts { get; }

    /// <summary>When capture began (the frame's, once it arrived); total latency counts from here.</summary>
    public long StartTicks { get; private set; }

    public Frame? Frame { get; private set; }

    public void Attach(Frame frame)
    {
        Frame = frame;
        StartTicks = frame.CaptureStartTicks;
    }

    public string? Error { get; set; }

    /// <summary>The part was scored, then failed only the input guard (its model input is valid).</summary>
    public bool OutOfInputRange { get; set; }

    public byte[]? Input { get; private set; }

    public int InputWidth { get; private set; }

    public int InputHeight { get; private set; }

    /// <summary>Model-size images in <see cref="Input"/> (and maps in <see cref="Map"/>): a tiled line's tile count, else 1.</summary>
    public int Tiles { get; private set; } = 1;

    /// <summary>The frame region (full-resolution pixels) the model input covers.</summary>
    public EdgeInspector.Imaging.FrameRegion Area { get; set; }

    public float[]? Map { get; private set; }

    public float RawScore { get; set; }

    public ModelIdentity? Model { get; set; }

    /// <summary>The package that scored the part (infer); its thresholds decide it.</summary>
    public ModelPackage? Package { get; set; }

    /// <summary>The complete verdict, built by the decide stage.</summary>
    public Verdict? Verdict { get; set; }

    public IReadOnlyList<DefectRegion> Regions { get; set; } = [];

    public byte[]? Thumbnail { get; set; }

    public double AcquireMs { get; set; }

    public double PreprocessMs { get; set; }

    public double InferMs { get; set; }

    public double PostMs { get; set; }

    public byte[] RentInput(int width, int height, int tiles = 1)
    {
        ReturnInput();
        InputWidth = width;
        InputHeight = height;
        Tiles = tiles;
        Input = Inputs.Rent(width * height * 3 * tiles);
        return Input;
    }

    public float[] RentMap(int length)
    {
        if (Map is null || Map.Length < length)
        {
            if (Map is not null)
            {
                Maps.Return(Map);
            }

            Map = Maps.Rent(length);
        }

        return Map;
    }

    public void Fail(string reason) => Error ??= reason;

    private void ReturnInput()
    {
        if (Input is not null)
        {
            Inputs.Return(Input);
            Input = null;
        }
    }

    public void Dispose()
    {
        ReturnInput();
        if (Map is not null)
        {
            Maps.Return(Map);
            Map = null;
        }

        Frame?.Dispose();
        Frame = null;
    }
}
