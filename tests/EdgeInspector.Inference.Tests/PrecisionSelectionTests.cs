using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Inference.Tests;

/// <summary>Inference:Precision picks the package's INT8 model, falls back to FP32 with a logged reason, and drives TensorRT's INT8 mode.</summary>
public sealed class PrecisionSelectionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>The texture baseline, optionally with a second copy of its graph listed as the INT8 model.</summary>
    private string Package(bool withInt8)
    {
        string dir = _temp.Combine(withInt8 ? "with-int8" : "fp32-only");
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(RepoPaths.TextureBaselinePackage, ModelPackage.ModelFileName), Path.Combine(dir, ModelPackage.ModelFileName));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.TextureBaselinePackage, ModelPackage.ManifestFileName)))!.AsObject();
        var models = new JsonObject { [ModelPackage.Fp32Key] = ModelPackage.ModelFileName };
        if (withInt8)
        {
            File.Copy(Path.Combine(dir, ModelPackage.ModelFileName), Path.Combine(dir, ModelPackage.Int8ModelFileName));
            var d = ModelPackage.Describe(Path.Combine(dir, ModelPackage.Int8ModelFileName));
            manifest["files"]![ModelPackage.Int8ModelFileName] = new JsonObject { ["sha256"] = d.Sha256, ["bytes"] = d.Bytes };
            models[ModelPackage.Int8Key] = ModelPackage.Int8ModelFileName;
        }

        manifest["models"] = models;
        File.WriteAllText(Path.Combine(dir, ModelPackage.ManifestFileName), manifest.ToJsonString());
        return dir;
    }

    private static (ModelLoader Loader, ListLogger Log) Loader(ModelPrecision precision)
    {
        var log = new ListLogger();
        return (new ModelLoader(new InferenceOptions { Providers = [ExecutionProviderKind.Cpu], Precision = precision }, log), log);
    }

    [Fact]
    public void Precision_defaults_to_fp32()
    {
        Assert.Equal(ModelPrecision.Fp32, new InferenceOptions().Precision);
        Assert.Equal(ModelPrecision.Fp32, new InferenceOptions().RequestedPrecision);
    }

    [Fact]
    public void Int8_serves_the_int8_model_when_the_package_has_one()
    {
        var (loader, log) = Loader(ModelPrecision.Int8);

        string package = Package(withInt8: true);
        using var runner = loader.Load(package);

        Assert.Equal(ModelPrecision.Int8, runner.Precision);
        // Verdicts name the file that scored them, not the package's FP32 model.
        Assert.Equal(ModelPackage.Load(package).Manifest.Files["model.int8.onnx"].Sha256, runner.Identity.Sha256);
        Assert.Equal("int8", runner.Identity.Precision);
        Assert.Contains(log.Messages, m => m.Contains("(model.int8.onnx) loaded on Cpu", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Messages, m => m.Contains("not served", StringComparison.Ordinal));
    }

    [Fact]
    public void Int8_falls_back_to_fp32_and_logs_why_when_the_package_has_no_int8_model()
    {
        var (loader, log) = Loader(ModelPrecision.Int8);

        using var runner = loader.Load(Package(withInt8: false));

        Assert.Equal(ModelPrecision.Fp32, runner.Precision);
        Assert.Contains(log.Messages, m => m.Contains("Inference:Precision Int8 not served", StringComparison.Ordinal) && m.Contains("has no INT8 model", StringComparison.Ordinal));
        Assert.Contains(log.Messages, m => m.Contains("(model.onnx) loaded on Cpu", StringComparison.Ordinal));
    }

    [Fact]
    public void Fp32_serves_model_onnx_even_when_an_int8_model_exists()
    {
        var (loader, _) = Loader(ModelPrecision.Fp32);

        string package = Package(withInt8: true);
        using var runner = loader.Load(package);

        Assert.Equal(ModelPrecision.Fp32, runner.Precision);
        Assert.Equal(ModelPackage.Load(package).Identity, runner.Identity);
    }

    [Fact]
    public void TensorRT_int8_is_the_older_spelling_of_precision_int8()
    {
        var options = new InferenceOptions { TensorRT = new TensorRtOptions { Int8 = true } };

        Assert.Equal(ModelPrecision.Int8, options.RequestedPrecision);
    }

    [Theory]
    [InlineData(ModelPrecision.Int8, false, true)]
    [InlineData(ModelPrecision.Fp32, true, false)] // an FP32 graph has no QDQ scales: no INT8 engine from it
    [InlineData(ModelPrecision.Fp32, false, false)]
    public void TensorRT_int8_is_on_exactly_when_the_int8_model_serves(ModelPrecision served, bool configuredInt8, bool expected)
    {
        var options = new InferenceOptions { DeviceId = 1, TensorRT = new TensorRtOptions { Int8 = configuredInt8, Fp16 = false, CacheDirectory = "/c", EpContext = false } };

        var serving = options.ForServing(served);

        Assert.Equal(expected, serving.TensorRT.Int8);
        Assert.Equal(served, serving.Precision);
        Assert.Equal(1, serving.DeviceId);
        Assert.False(serving.TensorRT.Fp16);
        Assert.False(serving.TensorRT.EpContext);
        Assert.Equal("/c", serving.TensorRT.CacheDirectory);
        Assert.Equal(expected ? "1" : "0", TensorRtProviderSettings.ToProviderOptions(serving.TensorRT, 0, new string('a', 64))["trt_int8_enable"]);
    }

    private sealed class ListLogger : ILogger<ModelLoader>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Add(formatter(state, exception));
    }
}
