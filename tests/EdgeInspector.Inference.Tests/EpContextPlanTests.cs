using EdgeInspector.Testing;

namespace EdgeInspector.Inference.Tests;

public sealed class EpContextPlanTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void First_start_builds_the_engine_from_the_package_and_dumps_the_context_model()
    {
        using var dir = new TempDirectory();
        var options = new TensorRtOptions { CacheDirectory = dir.Path, Fp16 = true };

        var plan = EpContextPlan.For(options, "/pkg/model.onnx", Sha);

        Assert.Equal("/pkg/model.onnx", plan.ModelPath);
        Assert.True(plan.BuildsEngine);
        Assert.Equal("1", plan.SessionConfig["ep.context_enable"]);
        Assert.Equal(Path.Combine(dir.Path, "0123456789abcdef-fp16", "model_ctx.onnx"), plan.SessionConfig["ep.context_file_path"]);
        Assert.Equal("0", plan.SessionConfig["ep.context_embed_mode"]);
    }

    [Fact]
    public void A_dumped_context_model_is_loaded_instead_and_builds_nothing()
    {
        using var dir = new TempDirectory();
        var options = new TensorRtOptions { CacheDirectory = dir.Path, Int8 = true };
        string cache = TensorRtProviderSettings.EngineCacheDirectory(options, Sha);
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, "model_ctx.onnx"), "ctx");

        var plan = EpContextPlan.For(options, "/pkg/model.onnx", Sha);

        Assert.Equal(Path.Combine(cache, "model_ctx.onnx"), plan.ModelPath);
        Assert.False(plan.BuildsEngine);
        Assert.Empty(plan.SessionConfig);
    }

    [Fact]
    public void An_engine_in_the_cache_without_a_context_model_is_reused_not_rebuilt()
    {
        using var dir = new TempDirectory();
        var options = new TensorRtOptions { CacheDirectory = dir.Path, EpContext = false };
        string cache = TensorRtProviderSettings.EngineCacheDirectory(options, Sha);
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, "edgeinspector_1234.engine"), "engine");

        var plan = EpContextPlan.For(options, "/pkg/model.onnx", Sha);

        Assert.Equal("/pkg/model.onnx", plan.ModelPath);
        Assert.False(plan.BuildsEngine);
        Assert.Empty(plan.SessionConfig);
    }
}
