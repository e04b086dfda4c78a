using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;

namespace EdgeInspector.Inference.Tests;

/// <summary>The default engine (PatchCore on the pretrained ResNet18) through ONNX Runtime, as the agent serves it.</summary>
public sealed class DefaultEngineTests : IDisposable
{
    private readonly ModelRunner _runner = Models.Loader().Load(RepoPaths.DefaultEnginePackage);
    private readonly ModelInputWriter _writer = new();

    public void Dispose()
    {
        _runner.Dispose();
        _writer.Dispose();
    }

    private float Score(SyntheticDefect defect, int seed) => Models.ScoreSynthetic(_runner, _writer, defect, seed);

    [Fact]
    public void The_manifest_describes_the_engine_and_its_bank_fits_it()
    {
        var manifest = _runner.Package.Manifest;
        Assert.Equal("resnet18-imagenet-cntk", manifest.Backbone);
        var engine = manifest.Engine!;
        Assert.Equal(("patchcore", 384, "bgr"), (engine.Kind, engine.FeatureWidth, engine.ChannelOrder));
        Assert.Equal(["layer2", "layer3"], engine.Layers);
        Assert.Equal(Engines.PretrainedWeights.ExpectedSha256, engine.WeightsSha256);
        var bank = OnnxInitializers.Read(File.ReadAllBytes(_runner.Package.ModelPath), ModelLoader.MemoryBankName);
        Assert.Equal(384, bank.Dims[1]);
        Assert.InRange(bank.Dims[0], 1024, 4096); // enrolled: a coreset, not the one-row placeholder
    }

    [Fact]
    public void Enrollment_wrote_per_position_statistics_that_lift_the_corners_less_than_the_centre()
    {
        // Corner patches read farther from the bank on every good part; enroll's statistics scale them down.
        byte[] model = File.ReadAllBytes(_runner.Package.ModelPath);
        var gain = OnnxInitializers.Read(model, "position_gain");
        var bias = OnnxInitializers.Read(model, "position_bias");
        int w = _runner.Width;
        int h = _runner.Height;
        Assert.Equal([1L, 1, h, w], gain.Dims);
        Assert.Equal([1L, 1, h, w], bias.Dims);
        float centre = gain.Data[(h / 2 * w) + (w / 2)];
        float corner = gain.Data[0];
        Assert.True(corner < centre, $"corner gain {corner}, centre gain {centre}");
        Assert.Contains(bias.Data, b => b != 0);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(103)]
    public void Unseen_good_parts_score_below_the_threshold(int seed)
    {
        float score = Score(SyntheticDefect.None, seed);

        Assert.True(score < _runner.Package.Manifest.Decision.ImageThreshold, $"good part seed {seed} scored {score}, threshold {_runner.Package.Manifest.Decision.ImageThreshold}");
        Assert.All(_runner.Map, v => Assert.InRange(v, 0f, 1f));
    }

    [Theory]
    [InlineData(SyntheticDefect.Scratch, 101)]
    [InlineData(SyntheticDefect.Crack, 101)]
    [InlineData(SyntheticDefect.Contamination, 101)]
    [InlineData(SyntheticDefect.Scratch, 102)]
    public void Defects_score_above_the_threshold_and_the_score_is_the_map_maximum(SyntheticDefect defect, int seed)
    {
        float score = Score(defect, seed);

        Assert.True(score > _runner.Package.Manifest.Decision.ImageThreshold, $"{defect} seed {seed} scored {score}, threshold {_runner.Package.Manifest.Decision.ImageThreshold}");
        Assert.Equal(_runner.Map.Max(), score, 5);
    }

    [Fact]
    public void A_bank_enrolled_on_another_backbone_is_refused_with_the_fix()
    {
        using var temp = new TempDirectory();
        foreach (string file in Directory.GetFiles(RepoPaths.DefaultEnginePackage))
        {
            File.Copy(file, temp.Combine(Path.GetFileName(file)));
        }

        string model = temp.Combine(ModelPackage.ModelFileName);
        File.WriteAllBytes(model, OnnxInitializers.Replace(File.ReadAllBytes(model), ModelLoader.MemoryBankName, new FloatTensor([4, 512], new float[4 * 512])));
        var manifest = JsonNode.Parse(File.ReadAllText(temp.Combine(ModelPackage.ManifestFileName)))!.AsObject();
        manifest["files"]![ModelPackage.ModelFileName] = new JsonObject
        {
            ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(model))),
            ["bytes"] = new FileInfo(model).Length,
        };
        File.WriteAllText(temp.Combine(ModelPackage.ManifestFileName), manifest.ToJsonString());

        var e = Assert.Throws<ModelPackageException>(() => Models.Loader().Load(temp.Path));

        Assert.Contains("memory bank is [4, 512]", e.Message, StringComparison.Ordinal);
        Assert.Contains("gives 384-wide patch features", e.Message, StringComparison.Ordinal);
        Assert.Contains("enroll this package again", e.Message, StringComparison.Ordinal);
    }
}
