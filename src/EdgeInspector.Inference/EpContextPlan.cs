namespace EdgeInspector.Inference;

/// <summary>
/// How a TensorRT session starts: from ONNX Runtime's EP-context model when an earlier start
/// dumped one (the compiled engine, loaded in seconds instead of minutes), otherwise from the
/// package's model with the dump switched on; and whether this start builds an engine.
/// </summary>
public sealed record EpContextPlan(string ModelPath, IReadOnlyDictionary<string, string> SessionConfig, bool BuildsEngine)
{
    public const string ContextModelName = "model_ctx.onnx";

    public static EpContextPlan For(TensorRtOptions options, string modelPath, string modelSha256)
    {
        string cache = TensorRtProviderSettings.EngineCacheDirectory(options, modelSha256);
        string context = Path.Combine(cache, ContextModelName);
        if (options.EpContext && File.Exists(context))
        {
            return new EpContextPlan(context, new Dictionary<string, string>(), BuildsEngine: false);
        }

        bool engineCached = Directory.Exists(cache) && Directory.EnumerateFiles(cache, "*.engine").Any();
        var config = options.EpContext
            ? new Dictionary<string, string>
            {
                ["ep.context_enable"] = "1",
                ["ep.context_file_path"] = context,
                // The engine stays a file beside the context model, not a blob inside it.
                ["ep.context_embed_mode"] = "0",
            }
            : new Dictionary<string, string>();
        return new EpContextPlan(modelPath, config, BuildsEngine: !engineCached);
    }
}
