using System.ComponentModel.DataAnnotations;
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

    [ValidateObjectMembers]
    public TensorRtOptions TensorRT { get; set; } = new();
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

    /// <summary>INT8 for QDQ-quantized models: their scales come from the graph, so no calibration table.</summary>
    public bool Int8 { get; set; }

    /// <summary>Engine and timing caches; a first engine build takes minutes on an Orin Nano.</summary>
    [Required]
    public string CacheDirectory { get; set; } = "/var/lib/edge-inspector/trt-cache";

    [Range(1L << 24, 1L << 36)]
    public long MaxWorkspaceBytes { get; set; } = 1L << 30;

    /// <summary>Dump ONNX Runtime's EP-context model after the first engine build and start from it later.</summary>
    public bool EpContext { get; set; } = true;
}

[OptionsValidator]
public sealed partial class InferenceOptionsValidator : IValidateOptions<InferenceOptions>;
