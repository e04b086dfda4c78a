using EdgeInspector.Testing;

namespace EdgeInspector.Inference.Tests;

public sealed class ModelLoaderPhaseTests
{
    [Fact]
    public void A_cpu_load_reports_verifying_then_loading()
    {
        var phases = new List<string>();

        using var runner = Models.Loader().Load(RepoPaths.TextureBaselinePackage, phases.Add);

        Assert.Equal(["verifying", "loading"], phases);
    }
}
