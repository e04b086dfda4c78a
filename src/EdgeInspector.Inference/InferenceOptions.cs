using System.ComponentModel.DataAnnotations;
using EdgeInspector.Core;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Inference;

/// <summary>How the model runs: the execution providers to try, in order, and their settings.</summary>
public sealed class InferenceOptions
{
    public const string Section = "Inference";

    /// <summary>Providers to try in order; the first that loads serves. TensorRT, CUDA, CPU.</summary>
    [Required]
    [MinLength(1)]
    public List<ExecutionProviderKind> Providers { get; set; } = [ExecutionProviderKind.TensorRT, ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu];

    [Range(0, 16)]
    public int DeviceId { get; set; }

    /// <summary>CPU threads for one inference; 0 lets ONNX Runtime choose.</summary>
    [Range(0, 64)]
    public int IntraOpThreads { get; set; }

    /// <summary>
    /// Let ONNX Runtime's CPU threads spin between runs. Off by default: the other pipeline stages
    /// share the same cores and a spinning pool starves them.
    /// </summary>
    public bool AllowSpinning { get; set; }

    /// <summary>
    /// Which model of the package serves: Fp32 (model.onnx) or Int8 (the package's INT8 QDQ
    /// model.int8.onnx, on every provider; on TensorRT it builds an INT8 engine). A package
    /// without an INT8 model serves FP32 and the loader logs why. TensorRT:Int8 = true is the
    /// older spelling of Precision = Int8 and means the same.
    /// </summary>
    public ModelPrecision Precision { get; set; } = ModelPrecision.Fp32;

    [ValidateObjectMembers]
    public TensorRtOptions TensorRT { get; set; } = new();

    /// <summary>The precision asked for: <see cref="Precision"/>, or Int8 when TensorRT:Int8 is set.</summary>
    public ModelPrecision RequestedPrecision => TensorRT.Int8 ? ModelPrecision.Int8 : Precision;

    /// <summary>
    /// These options for a session of the model that actually serves: TensorRT's INT8 mode on
    /// exactly when that model is the INT8 QDQ one (an FP32 graph has no scales to build INT8 from).
    /// </summary>
    public InferenceOptions ForServing(ModelPrecision served) => new()
    {
        Providers = Providers,
        DeviceId = DeviceId,
        IntraOpThreads = IntraOpThreads,
        AllowSpinning = AllowSpinning,
        Precision = served,
        TensorRT = new TensorRtOptions
        {
            Fp16 = TensorRT.Fp16,
            Int8 = served == ModelPrecision.Int8,
            CacheDirectory = TensorRT.CacheDirectory,
            MaxWorkspaceBytes = TensorRT.MaxWorkspaceBytes,
            EpContext = TensorRT.EpContext,
        },
    };
}

public enum ExecutionProviderKind
{
    TensorRT,
    Cuda,
    Cpu,
}

public sealed class TensorRtOptions
{
    public bool Fp16 { get; set; } = true;

    /// <summary>
    /// INT8 for QDQ-quantized models: their scales come from the graph, so no calibration table.
    /// Same as Inference:Precision = Int8 (the INT8 model serves); the loader sets it on exactly
    /// when the INT8 model is the one loaded.
    /// </summary>
    public bool Int8 { get; set; }

    /// <summary>
    /// Engine and timing caches; a first engine build takes minutes on an Orin Nano. Empty: the
    /// agent uses trt-cache in its state directory (Agent:StateDirectory); other hosts (bench)
    /// a folder under the temp directory. Created only when TensorRT actually serves.
    /// </summary>
    public string CacheDirectory { get; set; } = "";

    /// <summary>Where the caches go: <see cref="CacheDirectory"/>, or the temp folder's edge-inspector/trt-cache when it is empty.</summary>
    public string ResolveCacheDirectory() =>
        string.IsNullOrWhiteSpace(CacheDirectory) ? Path.Combine(Path.GetTempPath(), "edge-inspector", "trt-cache") : CacheDirectory;

    [Range(1L << 24, 1L << 36)]
    public long MaxWorkspaceBytes { get; set; } = 1L << 30;

    /// <summary>Dump ONNX Runtime's EP-context model after the first engine build and start from it later.</summary>
    public bool EpContext { get; set; } = true;
}

[OptionsValidator]
public sealed partial class InferenceOptionsValidator : IValidateOptions<InferenceOptions>;
