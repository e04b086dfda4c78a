using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Inference.Tests;

internal static class Models
{
    public static InferenceOptions CpuOnly => new() { Providers = [ExecutionProviderKind.Cpu] };

    public static ModelLoader Loader(InferenceOptions? options = null) => new(options ?? CpuOnly, NullLogger<ModelLoader>.Instance);

    public static ModelRunner LoadBaseline() => Loader().Load(RepoPaths.TextureBaselinePackage);

    public static bool IsDisposed(ModelRunner runner) => runner.IsDisposed;
}
