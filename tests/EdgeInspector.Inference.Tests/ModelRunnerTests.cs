using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Inference.Tests;

public sealed class ModelRunnerTests : IDisposable
{
    private readonly ModelRunner _runner = Models.LoadBaseline();
    private readonly ModelInputWriter _writer = new();

    public void Dispose()
    {
        _runner.Dispose();
        _writer.Dispose();
    }

    private float Score(SyntheticDefect defect, int seed) => Models.ScoreSynthetic(_runner, _writer, defect, seed);

    private double Threshold => _runner.Package.Manifest.Decision.ImageThreshold;

    [Fact]
    public void Runner_exposes_the_package_geometry_on_cpu()
    {
        Assert.Equal(224, _runner.Width);
        Assert.Equal(224, _runner.Height);
        Assert.Equal(224 * 224 * 3, _runner.InputLength);
        Assert.Equal(224 * 224, _runner.Map.Length);
        Assert.Equal(ExecutionProviderKind.Cpu, _runner.Provider.Active);
        Assert.Equal("texture-baseline", _runner.Package.Identity.Name);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Good_part_scores_below_the_threshold(int seed)
    {
        float score = Score(SyntheticDefect.None, seed);

        Assert.True(score < Threshold, $"good part seed {seed} scored {score}, threshold {Threshold}");
        Assert.All(_runner.Map, v => Assert.InRange(v, 0f, 1f));
    }

    [Theory]
    [InlineData(SyntheticDefect.Scratch, 1)]
    [InlineData(SyntheticDefect.Scratch, 2)]
    [InlineData(SyntheticDefect.Crack, 1)]
    [InlineData(SyntheticDefect.Crack, 2)]
    [InlineData(SyntheticDefect.Contamination, 1)]
    [InlineData(SyntheticDefect.Contamination, 2)]
    public void Defective_part_scores_above_the_threshold(SyntheticDefect defect, int seed)
    {
        float score = Score(defect, seed);

        Assert.True(score > Threshold, $"{defect} seed {seed} scored {score}, threshold {Threshold}");
        Assert.All(_runner.Map, v => Assert.InRange(v, 0f, 1f));
        // The score is the map's maximum.
        Assert.Equal(_runner.Map.Max(), score, 5);
    }

    [Fact]
    public void Map_is_overwritten_by_each_run()
    {
        Score(SyntheticDefect.Scratch, 1);
        float defectPeak = _runner.Map.Max();

        Score(SyntheticDefect.None, 1);

        Assert.True(_runner.Map.Max() < defectPeak);
    }

    [Fact]
    public void A_defect_is_found_where_it_was_drawn()
    {
        // A bright square on the good surface at a known place.
        using var bgr = SyntheticParts.Render(224, 224, SyntheticDefect.None, seed: 4);
        Cv2.Rectangle(bgr, new Rect(150, 40, 8, 8), Scalar.All(250), -1);
        var input = new byte[_runner.InputLength];
        using (var rgb = new Mat(224, 224, MatType.CV_8UC3))
        {
            Cv2.CvtColor(bgr, rgb, ColorConversionCodes.BGR2RGB);
            System.Runtime.InteropServices.Marshal.Copy(rgb.Data, input, 0, input.Length);
        }

        _runner.Run(input);
        int argmax = Array.IndexOf(_runner.Map, _runner.Map.Max());

        Assert.InRange(argmax % 224, 140, 168);
        Assert.InRange(argmax / 224, 30, 58);
    }

    [Fact]
    public void Manifest_geometry_that_does_not_match_the_onnx_input_is_refused()
    {
        using var temp = new TempDirectory();
        foreach (string file in Directory.GetFiles(RepoPaths.TextureBaselinePackage))
        {
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        }

        string manifestPath = temp.Combine(ModelPackage.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["input"]!["width"] = 256;
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var e = Assert.Throws<ModelPackageException>(() => Models.Loader().Load(temp.Path));

        Assert.Contains("ONNX I/O contract", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected uint8[N,224,256,3]", e.Message, StringComparison.Ordinal);
        Assert.Contains(temp.Combine("model.onnx"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_onnx_is_refused_with_the_package_error()
    {
        using var temp = new TempDirectory();
        File.Copy(Path.Combine(RepoPaths.TextureBaselinePackage, "manifest.json"), temp.Combine("manifest.json"));
        File.WriteAllText(temp.Combine("model.onnx"), "this is not a protobuf");
        string manifestPath = temp.Combine("manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        var described = ModelPackage.Describe(temp.Combine("model.onnx"));
        manifest["files"]!["model.onnx"] = new JsonObject { ["sha256"] = described.Sha256, ["bytes"] = described.Bytes };
        File.WriteAllText(manifestPath, manifest.ToJsonString());

        var e = Assert.Throws<ModelPackageException>(() => Models.Loader().Load(temp.Path));

        Assert.Contains("could not be loaded by ONNX Runtime", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_package_is_refused_before_onnx_runtime_sees_it()
    {
        using var temp = new TempDirectory();
        foreach (string file in Directory.GetFiles(RepoPaths.TextureBaselinePackage))
        {
            File.Copy(file, Path.Combine(temp.Path, Path.GetFileName(file)));
        }

        File.AppendAllText(temp.Combine("model.onnx"), "tail");

        var e = Assert.Throws<ModelPackageException>(() => Models.Loader().Load(temp.Path));

        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains("model.onnx", e.Message, StringComparison.Ordinal);
    }
}
