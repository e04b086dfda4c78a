using EdgeInspector.Core;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeInspector.Inference;

/// <summary>
/// One loaded model package: an ONNX Runtime session whose input and outputs are bound once to
/// pinned arrays, so a run allocates nothing. Not thread-safe: one stage owns it.
/// </summary>
/// <remarks>
/// The contract's batch dimension N is symbolic, so a tiled line scores its <see cref="Batch"/>
/// tiles in one run; the single-image and the batch bindings share the same pinned buffers
/// (image i at offset i x <see cref="InputLength"/>, its map at i x W x H).
/// </remarks>
public sealed class ModelRunner : IDisposable
{
    private const string InputName = "image";
    private const string MapName = "anomaly_map";
    private const string ScoreName = "score";

    private static readonly string[] InputNames = [InputName];
    private static readonly string[] OutputNames = [MapName, ScoreName];

    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly OrtValue[] _inputs;
    private readonly OrtValue[] _outputs;
    private readonly OrtValue[] _batchInputs;
    private readonly OrtValue[] _batchOutputs;
    private readonly byte[] _input;
    private readonly float[] _score;

    /// <param name="batch">Images one <see cref="RunBatch"/> scores (a tiled line's tile count); its buffers are bound now, once.</param>
    public ModelRunner(ModelPackage package, InferenceSession session, ExecutionProviderChoice provider, ModelIdentity identity, int batch = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        Batch = batch;
        Identity = identity;
        Package = package;
        Provider = provider;
        _session = session;
        Width = package.Manifest.Input.Width;
        Height = package.Manifest.Input.Height;
        CheckContract(session, package);
        _input = GC.AllocateArray<byte>(batch * Width * Height * 3, pinned: true);
        Map = GC.AllocateArray<float>(batch * Width * Height, pinned: true);
        _score = GC.AllocateArray<float>(batch, pinned: true);
        (_inputs, _outputs) = Bind(1);
        (_batchInputs, _batchOutputs) = batch == 1 ? (_inputs, _outputs) : Bind(batch);
    }

    /// <summary>The first <paramref name="n"/> images of the pinned buffers as the model's [n,H,W,3] input and its outputs.</summary>
    private (OrtValue[] Inputs, OrtValue[] Outputs) Bind(int n)
    {
        var cpu = OrtMemoryInfo.DefaultInstance;
        return (
            [OrtValue.CreateTensorValueFromMemory(cpu, _input.AsMemory(0, n * InputLength), [n, Height, Width, 3])],
            [
                OrtValue.CreateTensorValueFromMemory(cpu, Map.AsMemory(0, n * Width * Height), [n, 1, Height, Width]),
                OrtValue.CreateTensorValueFromMemory(cpu, _score.AsMemory(0, n), [n]),
            ]);
    }

    public ModelPackage Package { get; }

    public ExecutionProviderChoice Provider { get; }

    /// <summary>Which of the package's models this session runs (the loader sets it).</summary>
    public ModelPrecision Precision { get; init; } = ModelPrecision.Fp32;

    /// <summary>What verdicts and status report: the hash is the served file's, INT8 or FP32.</summary>
    public ModelIdentity Identity { get; }

    public int Width { get; }

    public int Height { get; }

    public int InputLength => Width * Height * 3;

    /// <summary>Images a <see cref="RunBatch"/> scores at once.</summary>
    public int Batch { get; }

    public bool IsDisposed { get; private set; }

    /// <summary>The last run's anomaly maps, row-major H×W each, image after image; overwritten by the next run.</summary>
    public float[] Map { get; }

    /// <summary>Runs the model on one uint8 RGB H×W×3 image and returns the raw score.</summary>
    public float Run(ReadOnlySpan<byte> image)
    {
        image.CopyTo(_input);
        _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);
        return _score[0];
    }

    /// <summary>
    /// Runs the model once on <see cref="Batch"/> uint8 RGB H×W×3 images laid end to end (a tiled
    /// frame's tiles) and returns their raw scores; their maps are in <see cref="Map"/>.
    /// </summary>
    public ReadOnlySpan<float> RunBatch(ReadOnlySpan<byte> images)
    {
        if (images.Length != Batch * InputLength)
        {
            throw new ArgumentException($"A batch is {Batch} images of {Width}x{Height}x3 bytes ({Batch * InputLength}), not {images.Length} bytes.", nameof(images));
        }

        images.CopyTo(_input);
        _session.Run(_runOptions, InputNames, _batchInputs, OutputNames, _batchOutputs);
        return _score.AsSpan(0, Batch);
    }

    private static void CheckContract(InferenceSession session, ModelPackage package)
    {
        var m = package.Manifest.Input;
        var problems = new List<string>();
        if (!session.InputMetadata.TryGetValue(InputName, out var input))
        {
            problems.Add($"no input named '{InputName}' (it has {string.Join(", ", session.InputMetadata.Keys)})");
        }
        else if (input.ElementDataType != TensorElementType.UInt8 || !ShapeFits(input.Dimensions, [-1, m.Height, m.Width, 3]))
        {
            problems.Add($"input '{InputName}' is {input.ElementDataType}[{string.Join(",", input.Dimensions)}], expected uint8[N,{m.Height},{m.Width},3]");
        }

        foreach (var (name, shape) in new[] { (MapName, new[] { -1, 1, m.Height, m.Width }), (ScoreName, new[] { -1 }) })
        {
            if (!session.OutputMetadata.TryGetValue(name, out var output))
            {
                problems.Add($"no output named '{name}'");
            }
            else if (output.ElementDataType != TensorElementType.Float || !ShapeFits(output.Dimensions, shape))
            {
                problems.Add($"output '{name}' is {output.ElementDataType}[{string.Join(",", output.Dimensions)}], expected float[{string.Join(",", shape).Replace("-1", "N", StringComparison.Ordinal)}]");
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelPackageException($"'{package.ModelPath}' does not follow the ONNX I/O contract: {string.Join("; ", problems)}. Re-export it with the trainer (docs/model-package.md).");
        }
    }

    /// <summary>Symbolic dimensions (reported as -1) fit anything.</summary>
    private static bool ShapeFits(int[] actual, int[] expected) =>
        actual.Length == expected.Length && actual.Zip(expected).All(p => p.First < 0 || p.Second < 0 || p.First == p.Second);

    public void Dispose()
    {
        foreach (var value in _inputs.Concat(_outputs).Concat(_batchInputs).Concat(_batchOutputs).Distinct())
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        IsDisposed = true;
    }
}
