using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Testing;

namespace EdgeInspector.Enrollment.Tests;

/// <summary>Enroll sets a PatchCore package's per-position statistics only from enough good parts, and says when it cannot.</summary>
public sealed class PositionalEnrollmentTests : IDisposable
{
    private static readonly FramePool Pool = new();
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Fewer_than_ten_good_parts_enroll_without_position_statistics_and_say_so()
    {
        var (_, model, logs) = Enroll(6);

        Assert.All(OnnxInitializers.Read(model, PositionCalibration.GainName).Data, g => Assert.Equal(1f, g));
        Assert.All(OnnxInitializers.Read(model, PositionCalibration.BiasName).Data, b => Assert.Equal(0f, b));
        Assert.Contains(logs, l => l.StartsWith("position statistics skipped: 6 good parts, they need at least 10", StringComparison.Ordinal));
    }

    [Fact]
    public void Ten_good_parts_get_position_statistics_and_thresholds_that_pass_unseen_good_parts()
    {
        var (result, model, logs) = Enroll(10);

        Assert.Contains(OnnxInitializers.Read(model, PositionCalibration.GainName).Data, g => g != 1f);
        Assert.Contains(logs, l => l.StartsWith("position statistics:", StringComparison.Ordinal));
        using var runner = new ModelLoader(new InferenceOptions { Providers = [ExecutionProviderKind.Cpu] }, Microsoft.Extensions.Logging.Abstractions.NullLogger<ModelLoader>.Instance).Load(result.Package);
        foreach (byte[] unseen in GoodInputs(result.Package, 3, firstSeed: 500))
        {
            Assert.True(runner.Run(unseen) < result.Decision.ImageThreshold);
        }
    }

    /// <summary>The default engine enrolled on <paramref name="parts"/> good parts: the result, its model.onnx, enroll's log.</summary>
    private (EnrollmentResult Result, byte[] Model, List<string> Logs) Enroll(int parts)
    {
        var logs = new List<string>();
        var source = ModelPackage.Load(RepoPaths.DefaultEnginePackage);
        var result = MemoryBankEnrollment.Write(source, GoodInputs(source.Directory, parts), _temp.Combine("out"), new EnrollmentSettings { Note = "test", MaxBank = 1024, Log = logs.Add });
        return (result, File.ReadAllBytes(Path.Combine(result.Package, ModelPackage.ModelFileName)), logs);
    }

    private static List<byte[]> GoodInputs(string package, int count, int firstSeed = 300)
    {
        var input = ModelPackage.Load(package).Manifest.Input;
        using var writer = new ModelInputWriter();
        var inputs = new List<byte[]>(count);
        for (int seed = firstSeed; seed < firstSeed + count; seed++)
        {
            using var bgr = SyntheticParts.Render(640, 480, SyntheticDefect.None, seed);
            using var frame = Pool.Rent(640, 480, PixelFormat.Bgr8, seed, 0, 0);
            System.Runtime.InteropServices.Marshal.Copy(bgr.Data, frame.Buffer, 0, frame.Length);
            var bytes = new byte[input.Width * input.Height * 3];
            writer.Write(frame, input.Width, input.Height, input.Resize, bytes);
            inputs.Add(bytes);
        }

        return inputs;
    }

    public void Dispose() => _temp.Dispose();
}
