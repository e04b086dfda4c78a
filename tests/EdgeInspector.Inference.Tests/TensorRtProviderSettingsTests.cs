namespace EdgeInspector.Inference.Tests;

public sealed class TensorRtProviderSettingsTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Fact]
    public void Fp16_defaults_map_to_trt_keys()
    {
        var options = new TensorRtOptions { CacheDirectory = "/cache", MaxWorkspaceBytes = 1L << 30 };

        var map = TensorRtProviderSettings.ToProviderOptions(options, deviceId: 0, Sha);

        Assert.Equal("0", map["device_id"]);
        Assert.Equal("1", map["trt_fp16_enable"]);
        Assert.Equal("0", map["trt_int8_enable"]);
        Assert.Equal("0", map["trt_int8_use_native_calibration_table"]);
        Assert.Equal("1", map["trt_engine_cache_enable"]);
        Assert.Equal(Path.Combine("/cache", "0123456789abcdef-fp16"), map["trt_engine_cache_path"]);
        Assert.Equal("edgeinspector", map["trt_engine_cache_prefix"]);
        Assert.Equal("1", map["trt_timing_cache_enable"]);
        Assert.Equal("/cache", map["trt_timing_cache_path"]);
        Assert.Equal("1073741824", map["trt_max_workspace_size"]);
        Assert.Equal(10, map.Count);
    }

    [Fact]
    public void Int8_turns_fp16_on_as_the_fallback_precision()
    {
        var options = new TensorRtOptions { Fp16 = false, Int8 = true, CacheDirectory = "/cache" };

        var map = TensorRtProviderSettings.ToProviderOptions(options, 0, Sha);

        Assert.Equal("1", map["trt_int8_enable"]);
        Assert.Equal("1", map["trt_fp16_enable"]);
        Assert.Equal(Path.Combine("/cache", "0123456789abcdef-int8"), map["trt_engine_cache_path"]);
    }

    [Fact]
    public void Fp32_turns_both_reduced_precisions_off()
    {
        var options = new TensorRtOptions { Fp16 = false, Int8 = false, CacheDirectory = "/cache" };

        var map = TensorRtProviderSettings.ToProviderOptions(options, 0, Sha);

        Assert.Equal("0", map["trt_fp16_enable"]);
        Assert.Equal("0", map["trt_int8_enable"]);
        Assert.EndsWith("-fp32", map["trt_engine_cache_path"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, "fp16")]
    [InlineData(false, true, "int8")]
    [InlineData(true, true, "int8")]
    [InlineData(false, false, "fp32")]
    public void Precision_names_the_lowest_enabled_precision(bool fp16, bool int8, string expected)
    {
        Assert.Equal(expected, TensorRtProviderSettings.Precision(new TensorRtOptions { Fp16 = fp16, Int8 = int8 }));
    }

    [Fact]
    public void Engine_cache_is_keyed_by_model_and_precision()
    {
        var fp16 = new TensorRtOptions { CacheDirectory = "/c" };
        var int8 = new TensorRtOptions { CacheDirectory = "/c", Int8 = true };
        string otherSha = "ffff" + Sha[4..];

        var paths = new[]
        {
            TensorRtProviderSettings.EngineCacheDirectory(fp16, Sha),
            TensorRtProviderSettings.EngineCacheDirectory(int8, Sha),
            TensorRtProviderSettings.EngineCacheDirectory(fp16, otherSha),
        };

        Assert.Equal(3, paths.Distinct().Count());
        Assert.All(paths, p => Assert.Equal("/c", Path.GetDirectoryName(p)));
    }

    [Fact]
    public void Device_id_and_workspace_are_written_invariantly()
    {
        var options = new TensorRtOptions { CacheDirectory = "/c", MaxWorkspaceBytes = 3L << 32 };

        var map = TensorRtProviderSettings.ToProviderOptions(options, deviceId: 2, Sha);

        Assert.Equal("2", map["device_id"]);
        Assert.Equal("12884901888", map["trt_max_workspace_size"]);
    }
}
