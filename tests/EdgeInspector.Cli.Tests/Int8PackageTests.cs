using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Enrollment;
using EdgeInspector.Inference;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>
/// A CLIP package with both precisions: the trainer exports the tiny CLIP at 224 px with a
/// memory bank and an INT8 QDQ model calibrated on good parts; eval scores each precision
/// through the serving path, and enroll writes its new bank into both models.
/// </summary>
public sealed class Int8PackageTests : IClassFixture<Int8PackageTests.Packages>
{
    private readonly Packages _p;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public Int8PackageTests(Packages packages, Xunit.Abstractions.ITestOutputHelper output)
    {
        _p = packages;
        _output = output;
    }

    /// <summary>Built once for the class: the package (12 good parts) and 24 held-out parts with masks.</summary>
    public sealed class Packages : IDisposable
    {
        private readonly TempDirectory _temp = new();
        private readonly Lazy<string> _package;

        public Packages() => _package = new Lazy<string>(Build);

        public string Root => _temp.Path;

        public string Package => _package.Value;

        public string Good => _temp.Combine("good");

        public string HeldOut => _temp.Combine("heldout");

        private string Build()
        {
            string clip = _temp.Combine("clip");
            string package = _temp.Combine("pkg");
            PythonTrainer.Run("make-tiny-clip", "--out", clip, "--seed", "1");
            DemoImages.Write(Good, 12, seed: 7, defectFraction: 0, mvtec: false);
            DemoImages.Write(HeldOut, 24, seed: 11, defectFraction: 0.4, mvtec: true);
            PythonTrainer.Run("export", "--clip", clip, "--out", package, "--image-size", "224", "--good", Good, "--int8", "--name", "tiny-int8");
            return package;
        }

        public void Dispose() => _temp.Dispose();
    }

    private async Task<JsonObject> EvalAsync(string precision)
    {
        var (code, stdout, stderr) = await CliRun.RunAsync("eval", "--model", _p.Package, "--data", _p.HeldOut, "--precision", precision, "--json");
        Assert.True(code == 0, stderr);
        _output.WriteLine($"{precision}: {stdout.Trim()}");
        return JsonNode.Parse(stdout)!.AsObject();
    }

    [TrainerFact]
    public void The_export_lists_both_models_in_the_manifest()
    {
        var package = ModelPackage.Load(_p.Package);

        Assert.Equal(new Dictionary<string, string> { ["fp32"] = "model.onnx", ["int8"] = "model.int8.onnx" }, package.Manifest.Models);
        Assert.Equal(ModelPrecision.Int8, package.SelectModel(ModelPrecision.Int8).Precision);
    }

    [TrainerFact]
    public async Task Int8_auroc_stays_within_0_02_of_fp32_through_the_serving_path()
    {
        var fp32 = await EvalAsync("fp32");
        var int8 = await EvalAsync("int8");

        Assert.Equal("fp32", (string)fp32["model_precision"]!);
        Assert.Equal("int8", (string)int8["model_precision"]!);
        double imageFp32 = (double)fp32["image_auroc"]!;
        double imageInt8 = (double)int8["image_auroc"]!;
        Assert.True(imageFp32 >= 0.8, $"FP32 image AUROC {imageFp32}: the memory bank should find the synthetic defects");
        Assert.True(Math.Abs(imageInt8 - imageFp32) <= 0.02, $"image AUROC FP32 {imageFp32:F4} vs INT8 {imageInt8:F4}");
        double pixelFp32 = (double)fp32["pixel_auroc"]!;
        double pixelInt8 = (double)int8["pixel_auroc"]!;
        Assert.True(Math.Abs(pixelInt8 - pixelFp32) <= 0.02, $"pixel AUROC FP32 {pixelFp32:F4} vs INT8 {pixelInt8:F4}");
    }

    [TrainerFact]
    public void Enroll_writes_the_new_bank_into_both_models_and_keeps_the_models_field()
    {
        string enrolled = Path.Combine(_p.Root, "enrolled");
        var r = Enrollment.Run(_p.Package, _p.Good, enrolled, maxBank: 256);

        var package = ModelPackage.Load(enrolled); // every hash verified
        Assert.Equal(new Dictionary<string, string> { ["fp32"] = "model.onnx", ["int8"] = "model.int8.onnx" }, package.Manifest.Models);
        var fp32Bank = OnnxInitializers.Read(File.ReadAllBytes(package.ModelPath), ModelLoader.MemoryBankName);
        var int8Bank = OnnxInitializers.Read(File.ReadAllBytes(Path.Combine(enrolled, ModelPackage.Int8ModelFileName)), ModelLoader.MemoryBankName);
        Assert.Equal([256L, 64], fp32Bank.Dims);
        Assert.Equal(fp32Bank.Dims, int8Bank.Dims);
        Assert.Equal(fp32Bank.Data, int8Bank.Data);
        Assert.Equal(256, r.BankRows);
        using var serving = ServingPath.ForPrecision(enrolled, "int8");
        Assert.Equal(ModelPrecision.Int8, serving.Runner.Precision);
    }

    [Fact]
    public async Task Eval_precision_int8_on_a_package_without_an_int8_model_exits_2_naming_the_fix()
    {
        using var data = new TempDirectory();
        DemoImages.Write(data.Path, 10, seed: 3, defectFraction: 0.5, mvtec: true);
        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", data.Path, "--precision", "int8");

        Assert.Equal(2, code);
        Assert.Contains("has no INT8 model", stderr, StringComparison.Ordinal);
        Assert.Contains("--int8", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_precision_must_be_fp32_or_int8()
    {
        using var data = new TempDirectory();
        DemoImages.Write(data.Path, 10, seed: 3, defectFraction: 0.5, mvtec: true);
        var (code, _, stderr) = await CliRun.RunAsync("eval", "--model", RepoPaths.TextureBaselinePackage, "--data", data.Path, "--precision", "fp16");

        Assert.Equal(2, code);
        Assert.Contains("--precision 'fp16' is not fp32 or int8", stderr, StringComparison.Ordinal);
    }
}
