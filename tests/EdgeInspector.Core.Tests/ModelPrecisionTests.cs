using System.Text;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Testing;

namespace EdgeInspector.Core.Tests;

/// <summary>Which file a package serves for each precision: manifest <c>models</c>, the older model.int8.onnx convention, and the FP32 fallback.</summary>
public sealed class ModelPrecisionTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WritePackage(bool int8File, JsonObject? models, string int8Name = ModelPackage.Int8ModelFileName)
    {
        string dir = _temp.Combine("pkg");
        Directory.CreateDirectory(dir);
        var files = new JsonObject();
        foreach (string name in int8File ? new[] { ModelPackage.ModelFileName, int8Name } : [ModelPackage.ModelFileName])
        {
            File.WriteAllBytes(Path.Combine(dir, name), Encoding.ASCII.GetBytes($"bytes of {name}"));
            var d = ModelPackage.Describe(Path.Combine(dir, name));
            files[name] = new JsonObject { ["sha256"] = d.Sha256, ["bytes"] = d.Bytes };
        }

        var manifest = new JsonObject
        {
            ["format"] = 1,
            ["name"] = "precision-model",
            ["version"] = 2,
            ["input"] = new JsonObject { ["width"] = 32, ["height"] = 32, ["resize"] = "bilinear" },
            ["files"] = files,
        };
        if (models is not null)
        {
            manifest["models"] = models;
        }

        File.WriteAllText(Path.Combine(dir, ModelPackage.ManifestFileName), manifest.ToJsonString());
        return dir;
    }

    [Fact]
    public void Int8_is_served_from_the_file_models_int8_names()
    {
        string dir = WritePackage(true, new JsonObject { ["fp32"] = "model.onnx", ["int8"] = "quantized.onnx" }, "quantized.onnx");
        var package = ModelPackage.Load(dir);

        var choice = package.SelectModel(ModelPrecision.Int8);

        Assert.Equal(ModelPrecision.Int8, choice.Precision);
        Assert.Equal("quantized.onnx", choice.FileName);
        Assert.Equal(Path.Combine(package.Directory, "quantized.onnx"), choice.Path);
        Assert.Equal(package.Manifest.Files["quantized.onnx"].Sha256, choice.Sha256);
        Assert.Null(choice.FallbackReason);
    }

    [Fact]
    public void A_listed_model_int8_onnx_serves_int8_in_packages_without_models()
    {
        var package = ModelPackage.Load(WritePackage(true, null));

        var choice = package.SelectModel(ModelPrecision.Int8);

        Assert.Equal(ModelPrecision.Int8, choice.Precision);
        Assert.Equal(ModelPackage.Int8ModelFileName, choice.FileName);
    }

    [Fact]
    public void Fp32_always_serves_model_onnx()
    {
        var package = ModelPackage.Load(WritePackage(true, new JsonObject { ["fp32"] = "model.onnx", ["int8"] = "model.int8.onnx" }));

        var choice = package.SelectModel(ModelPrecision.Fp32);

        Assert.Equal(ModelPrecision.Fp32, choice.Precision);
        Assert.Equal(package.ModelPath, choice.Path);
        Assert.Equal(package.Identity.Sha256, choice.Sha256);
        Assert.Null(choice.FallbackReason);
    }

    [Fact]
    public void Int8_falls_back_to_fp32_with_a_reason_when_the_package_has_no_int8_model()
    {
        var package = ModelPackage.Load(WritePackage(false, new JsonObject { ["fp32"] = "model.onnx" }));

        var choice = package.SelectModel(ModelPrecision.Int8);

        Assert.Equal(ModelPrecision.Fp32, choice.Precision);
        Assert.Equal(package.ModelPath, choice.Path);
        Assert.NotNull(choice.FallbackReason);
        Assert.Contains("no INT8 model", choice.FallbackReason, StringComparison.Ordinal);
        Assert.Contains("--int8", choice.FallbackReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_naming_an_unlisted_file_is_refused()
    {
        string dir = WritePackage(false, new JsonObject { ["fp32"] = "model.onnx", ["int8"] = "model.int8.onnx" });

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(dir));

        Assert.Contains("models.int8 names 'model.int8.onnx', which files does not list", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Models_fp32_must_be_model_onnx()
    {
        string dir = WritePackage(true, new JsonObject { ["fp32"] = "model.int8.onnx" });

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(dir));

        Assert.Contains("models.fp32 must be model.onnx", e.Message, StringComparison.Ordinal);
    }
}
