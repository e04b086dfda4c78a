using EdgeInspector.Core;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

public sealed class LineThresholdsTests : IDisposable
{
    private readonly SignedPackages _packages = new();

    [Fact]
    public void A_command_override_survives_a_restart_for_its_package_only()
    {
        var v1 = ModelPackage.Load(RepoPaths.TextureBaselinePackage);
        var v2 = ModelPackage.Load(_packages.Make("v2", 2));
        string state = _packages.Combine("state");
        new LineThresholds(new ModelOptions(), state).Set(v1, 0.93, null);

        var restarted = new LineThresholds(new ModelOptions(), state);

        Assert.Equal(new ThresholdStatus(0.93, v1.Manifest.Decision.PixelThreshold, LineThresholds.SourceCommand), restarted.Status(v1));
        Assert.Equal(0.93, restarted.DecisionFor(v1).ImageThreshold);
        Assert.Equal(new ThresholdStatus(v2.Manifest.Decision.ImageThreshold, v2.Manifest.Decision.PixelThreshold, LineThresholds.SourceManifest), restarted.Status(v2));
        Assert.Equal((null, null), restarted.Overrides(v2));
        Assert.Equal((0.93, null), restarted.Overrides(v1));
    }

    [Fact]
    public void Config_overrides_apply_to_every_package_a_command_override_replaces_them_and_null_clears_to_the_manifest()
    {
        var v1 = ModelPackage.Load(RepoPaths.TextureBaselinePackage);
        var v2 = ModelPackage.Load(_packages.Make("v2", 2));
        var thresholds = new LineThresholds(new ModelOptions { ImageThreshold = 0.7 }, _packages.Combine("state"));
        Assert.Equal(new ThresholdStatus(0.7, v2.Manifest.Decision.PixelThreshold, LineThresholds.SourceConfig), thresholds.Status(v2));

        thresholds.Set(v1, null, 0.4);

        Assert.Equal(new ThresholdStatus(v1.Manifest.Decision.ImageThreshold, 0.4, LineThresholds.SourceCommand), thresholds.Status(v1));
        Assert.Equal(0.7, thresholds.DecisionFor(v2).ImageThreshold);
    }

    [Fact]
    public void An_unreadable_override_file_is_ignored_and_kept()
    {
        var v1 = ModelPackage.Load(RepoPaths.TextureBaselinePackage);
        string state = _packages.Combine("state");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, LineThresholds.FileName), "{not json");

        var thresholds = new LineThresholds(new ModelOptions(), state);

        Assert.Equal(LineThresholds.SourceManifest, thresholds.Status(v1).Source);
        Assert.Equal("{not json", File.ReadAllText(Path.Combine(state, LineThresholds.FileName)));
    }

    public void Dispose() => _packages.Dispose();
}
