using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace EdgeInspector.Cli;

/// <summary>
/// Scores images exactly as the agent does: OpenCV decode into a pooled <see cref="Frame"/> (Bgr8),
/// <see cref="ModelInputWriter"/> conversion + resize, and the agent's <see cref="ModelLoader"/> /
/// <see cref="ModelRunner"/> session.
/// </summary>
public sealed class ServingPath : IDisposable
{
    private readonly ImageFileInput _files = new();
    private readonly byte[] _input;

    public ServingPath(string packageDirectory, InferenceOptions? options = null)
    {
        try
        {
            Runner = new ModelLoader(options ?? CpuOptions(), NullLogger<ModelLoader>.Instance).Load(packageDirectory);
        }
        catch (ModelPackageException e)
        {
            throw new CliException(e.Message, e);
        }

        _input = new byte[Runner.InputLength];
    }

    public ModelRunner Runner { get; }

    public int Width => Runner.Width;

    public int Height => Runner.Height;

    public static InferenceOptions CpuOptions(ModelPrecision precision = ModelPrecision.Fp32) => new() { Providers = [ExecutionProviderKind.Cpu], Precision = precision };

    /// <summary>"fp32" (or null) / "int8": a CPU serving path of that model; int8 on a package without one is an error, not a fallback.</summary>
    public static ServingPath ForPrecision(string packageDirectory, string? precision)
    {
        var requested = ParsePrecision(precision);
        var path = new ServingPath(packageDirectory, CpuOptions(requested));
        if (path.Runner.Precision != requested)
        {
            path.Dispose();
            throw new CliException($"'{Path.GetFullPath(packageDirectory)}' has no INT8 model (manifest models.int8 / {ModelPackage.Int8ModelFileName}): export it with the trainer's --int8, or evaluate --precision fp32");
        }

        return path;
    }

    public static ModelPrecision ParsePrecision(string? value) => value?.ToLowerInvariant() switch
    {
        null or "fp32" => ModelPrecision.Fp32,
        "int8" => ModelPrecision.Int8,
        _ => throw new CliException($"--precision '{value}' is not fp32 or int8"),
    };

    /// <summary>The model input (uint8 RGB H×W×3) for an image file, through the agent's preprocessing.</summary>
    public byte[] Prepare(string imagePath, byte[]? destination = null)
    {
        destination ??= new byte[Runner.InputLength];
        return _files.TryWrite(imagePath, Runner.Package.Manifest.Input, destination) ? destination : throw Unreadable(imagePath);
    }

    /// <summary>Raw score of an image; <see cref="ModelRunner.Map"/> holds its anomaly map until the next call.</summary>
    public float Score(string imagePath) => Runner.Run(Prepare(imagePath, _input));

    /// <summary>Raw score of an already prepared model input.</summary>
    public float Score(byte[] input) => Runner.Run(input);

    public static Mat Decode(string imagePath)
    {
        var image = Cv2.ImRead(imagePath, ImreadModes.Color);
        if (image.Empty())
        {
            image.Dispose();
            throw Unreadable(imagePath);
        }

        return image;
    }

    public static CliException Unreadable(string imagePath) => new($"'{imagePath}' cannot be read as an image (corrupt or not an image): replace or remove it");

    public void Dispose()
    {
        Runner.Dispose();
        _files.Dispose();
    }
}
