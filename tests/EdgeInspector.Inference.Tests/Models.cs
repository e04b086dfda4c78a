using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Inference.Tests;

internal static class Models
{
    public static InferenceOptions CpuOnly => new() { Providers = [ExecutionProviderKind.Cpu] };

    public static ModelLoader Loader(InferenceOptions? options = null, int batch = 1) => new(options ?? CpuOnly, NullLogger<ModelLoader>.Instance, batch);

    public static ModelRunner LoadBaseline() => Loader().Load(RepoPaths.TextureBaselinePackage);

    public static bool IsDisposed(ModelRunner runner) => runner.IsDisposed;

    private static readonly FramePool Pool = new();

    /// <summary>The runner's score for a 640x480 synthetic part, through the agent's model-input writer.</summary>
    public static float ScoreSynthetic(ModelRunner runner, ModelInputWriter writer, SyntheticDefect defect, int seed) =>
        runner.Run(SyntheticInput(runner, writer, defect, seed));

    /// <summary>A 640x480 synthetic part as the runner's model input, through the agent's model-input writer.</summary>
    public static byte[] SyntheticInput(ModelRunner runner, ModelInputWriter writer, SyntheticDefect defect, int seed)
    {
        using var bgr = SyntheticParts.Render(640, 480, defect, seed);
        using var frame = Pool.Rent(640, 480, PixelFormat.Bgr8, seed, 0, 0);
        System.Runtime.InteropServices.Marshal.Copy(bgr.Data, frame.Buffer, 0, frame.Length);
        var input = new byte[runner.InputLength];
        writer.Write(frame, runner.Width, runner.Height, runner.Package.Manifest.Input.Resize, input);
        return input;
    }
}
