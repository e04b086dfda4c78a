using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInspector.Inference.Tests;

/// <summary>These run on the CPU-only ONNX Runtime package the tests reference: no TensorRT, no CUDA.</summary>
public sealed class ExecutionProviderChainTests : IDisposable
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private ExecutionProviderChoice Configure(params ExecutionProviderKind[] providers)
    {
        var options = new InferenceOptions
        {
            Providers = [.. providers],
            TensorRT = new TensorRtOptions { CacheDirectory = _temp.Combine("trt") },
        };
        using var session = new SessionOptions();
        return new ExecutionProviderChain(options, NullLogger.Instance).Configure(session, Sha);
    }

    [Fact]
    public void Gpu_providers_missing_from_the_build_fall_back_to_cpu_with_a_note_each()
    {
        var choice = Configure(ExecutionProviderKind.TensorRT, ExecutionProviderKind.Cuda, ExecutionProviderKind.Cpu);

        Assert.Equal(ExecutionProviderKind.Cpu, choice.Active);
        Assert.Equal(2, choice.Notes.Count);
        Assert.StartsWith("TensorRT: ", choice.Notes[0], StringComparison.Ordinal);
        Assert.StartsWith("Cuda: ", choice.Notes[1], StringComparison.Ordinal);
        Assert.All(choice.Notes, n => Assert.DoesNotContain('\n', n));
        Assert.False(Directory.Exists(_temp.Combine("trt")), "no engine cache folder without TensorRT (#13 finding 7)");
    }

    [Fact]
    public void Cpu_alone_has_no_notes()
    {
        var choice = Configure(ExecutionProviderKind.Cpu);

        Assert.Equal(ExecutionProviderKind.Cpu, choice.Active);
        Assert.Empty(choice.Notes);
    }

    [Fact]
    public void A_chain_without_cpu_still_ends_on_cpu_and_says_why()
    {
        var choice = Configure(ExecutionProviderKind.Cuda);

        Assert.Equal(ExecutionProviderKind.Cpu, choice.Active);
        Assert.Equal(2, choice.Notes.Count);
        Assert.StartsWith("Cuda: ", choice.Notes[0], StringComparison.Ordinal);
        Assert.StartsWith("CPU: ", choice.Notes[1], StringComparison.Ordinal);
    }

    [Fact]
    public void An_unusable_engine_cache_folder_does_not_stop_the_fallback()
    {
        // The cache "folder" is under a regular file, so it cannot be created.
        string blocker = _temp.Combine("not-a-folder");
        File.WriteAllText(blocker, "x");
        var options = new InferenceOptions
        {
            Providers = [ExecutionProviderKind.TensorRT, ExecutionProviderKind.Cpu],
            TensorRT = new TensorRtOptions { CacheDirectory = Path.Combine(blocker, "trt") },
        };
        using var session = new SessionOptions();

        var choice = new ExecutionProviderChain(options, NullLogger.Instance).Configure(session, Sha);

        Assert.Equal(ExecutionProviderKind.Cpu, choice.Active);
        Assert.StartsWith("TensorRT: ", Assert.Single(choice.Notes), StringComparison.Ordinal);
    }
}
