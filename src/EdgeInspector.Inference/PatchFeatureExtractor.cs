using EdgeInspector.Core;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace EdgeInspector.Inference;

/// <summary>
/// Runs a CLIP package's features.onnx (input <c>image</c> uint8 [N,H,W,3], output
/// <c>patch_features</c> float32 [N,P,E], normalised in the graph exactly like model.onnx): the
/// per-patch embeddings a few-shot memory bank is built from. CPU only; used by enroll on the
/// workstation, never on the line.
/// </summary>
public sealed class PatchFeatureExtractor : IDisposable
{
    public const string FileName = "features.onnx";
    private const string OutputName = "patch_features";

    private readonly InferenceSession _session;
    private readonly int _width;
    private readonly int _height;

    public PatchFeatureExtractor(ModelPackage package, int intraOpThreads = 0)
    {
        string path = Path.Combine(package.Directory, FileName);
        if (!package.Manifest.Files.ContainsKey(FileName) || !File.Exists(path))
        {
            throw new ModelPackageException($"'{path}' is missing: the package has no patch-feature model. Export it with the trainer (a CLIP package always carries {FileName}).");
        }

        _width = package.Manifest.Input.Width;
        _height = package.Manifest.Input.Height;
        using var options = new SessionOptions { IntraOpNumThreads = intraOpThreads, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        try
        {
            _session = new InferenceSession(path, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelPackageException($"'{path}' could not be loaded by ONNX Runtime: {e.Message}. Re-export the package with the trainer.", e);
        }

        if (!_session.OutputMetadata.TryGetValue(OutputName, out var output) || output.Dimensions.Length != 3 || output.ElementDataType != TensorElementType.Float)
        {
            _session.Dispose();
            throw new ModelPackageException($"'{path}' has no float output '{OutputName}' [N,P,E]. Re-export the package with the trainer.");
        }
    }

    /// <summary>Patches per image (P) and embedding width (E), known after the first run.</summary>
    public (int Patches, int Width) Shape { get; private set; }

    /// <summary>Features of one uint8 RGB H×W×3 image, row-major [P,E].</summary>
    public float[] Extract(byte[] image)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(image, [1, _height, _width, 3]);
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, ["image"], [input], [OutputName]);
        var value = outputs[0];
        long[] shape = value.GetTensorTypeAndShape().Shape;
        Shape = ((int)shape[1], (int)shape[2]);
        return value.GetTensorDataAsSpan<float>().ToArray();
    }

    public void Dispose() => _session.Dispose();
}
