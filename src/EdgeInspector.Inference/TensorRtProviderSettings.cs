using System.Globalization;

namespace EdgeInspector.Inference;

/// <summary>
/// Maps <see cref="TensorRtOptions"/> to ONNX Runtime's <c>trt_*</c> provider keys. The engine
/// cache lives in a folder keyed by model hash and precision, so a new model or precision never
/// loads a stale engine (TensorRT itself rejects an engine from another TensorRT version or GPU
/// and rebuilds it).
/// </summary>
public static class TensorRtProviderSettings
{
    public static string Precision(TensorRtOptions options) => options.Int8 ? "int8" : options.Fp16 ? "fp16" : "fp32";

    public static string EngineCacheDirectory(TensorRtOptions options, string modelSha256) =>
        Path.Combine(options.ResolveCacheDirectory(), $"{modelSha256[..16]}-{Precision(options)}");

    public static Dictionary<string, string> ToProviderOptions(TensorRtOptions options, int deviceId, string modelSha256)
    {
        string engineDir = EngineCacheDirectory(options, modelSha256);
        return new Dictionary<string, string>
        {
            ["device_id"] = deviceId.ToString(CultureInfo.InvariantCulture),
            ["trt_fp16_enable"] = Flag(options.Fp16 || options.Int8),
            ["trt_int8_enable"] = Flag(options.Int8),
            ["trt_int8_use_native_calibration_table"] = "0",
            ["trt_engine_cache_enable"] = "1",
            ["trt_engine_cache_path"] = engineDir,
            ["trt_engine_cache_prefix"] = "edgeinspector",
            ["trt_timing_cache_enable"] = "1",
            ["trt_timing_cache_path"] = options.ResolveCacheDirectory(),
            ["trt_max_workspace_size"] = options.MaxWorkspaceBytes.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static string Flag(bool value) => value ? "1" : "0";
}
