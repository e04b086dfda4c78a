using EdgeInspector.Core;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeInspector.Inference;

/// <summary>
/// One loaded model package: an ONNX Runtime session whose input and outputs are bound once to
/// pinned arrays, so a run allocates nothing. Not thread-safe: one stage owns it.
/// </summary>
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
    private readonly byte[] _input;
    private readonly float[] _score = new float[1];

    public ModelRunner(ModelPackage package, InferenceSession session, ExecutionProviderChoice provider, ModelIdentity identity)
    {
        Identity = identity;
        Package = package;
        Provider = provider;
        _session = session;
        Width = package.Manifest.Input.Width;
        Height = package.Manifest.Input.Height;
        CheckContract(session, package);
        _input = GC.AllocateArray<byte>(Width * Height * 3, pinned: true);
        Map = GC.AllocateArray<float>(Width * Height, pinned: true);
        _inputs = [OrtValue.CreateTensorValueFromMemory(_input, [1, Height, Width, 3])];
        _outputs =
        [
            OrtValue.CreateTensorValueFromMemory(Map, [1, 1, Height, Width]),
            OrtValue.CreateTensorValueFromMemory(_score, [1]),
        ];
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

    public bool IsDisposed { get; private set; }

    /// <summary>The last run's anomaly map, row-major H×W; overwritten by the next run.</summary>
    public float[] Map { get; }

    /// <summary>Runs the model on one uint8 RGB H×W×3 image and returns the raw score.</summary>
    public float Run(ReadOnlySpan<byte> image)
    {
        image.CopyTo(_input);
        _session.Run(_runOptions, InputNames, _inputs, OutputNames, _outputs);
        return _score[0];
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
        foreach (var value in _inputs.Concat(_outputs))
        {
            value.Dispose();
        }

        _runOptions.Dispose();
        _session.Dispose();
        IsDisposed = true;
    }
}
