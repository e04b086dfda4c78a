using EdgeInspector.Agent.Capture;
using EdgeInspector.Core;
using static EdgeInspector.Agent.Tests.Capture.CaptureFixtures;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>Which parts the data loop keeps.</summary>
public sealed class CaptureSelectionTests
{
    [Theory]
    [InlineData(VerdictKind.Ng, 0.9, true, CaptureKind.Ng)]
    [InlineData(VerdictKind.Ng, 0.53, true, CaptureKind.Uncertain)]
    [InlineData(VerdictKind.Ok, 0.47, true, CaptureKind.Uncertain)]
    [InlineData(VerdictKind.Ok, 0.2, true, null)]
    [InlineData(VerdictKind.Error, 0.0, true, CaptureKind.Error)]
    [InlineData(VerdictKind.Error, 0.0, false, null)]
    [InlineData(VerdictKind.Ng, 0.9, false, null)]
    public void Ng_near_threshold_and_error_parts_with_an_image_are_kept(VerdictKind verdict, double score, bool hasImage, CaptureKind? expected)
    {
        var options = Options();
        options.UncertainBand = 0.05;

        Assert.Equal(expected, CaptureKinds.Select(VerdictOf(verdict, score), hasImage, options, new Random(1)));
    }

    [Fact]
    public void Ok_parts_are_sampled_at_the_configured_rate()
    {
        var options = Options();
        options.OkSampleRate = 0.25;
        var random = new Random(42);

        int kept = Enumerable.Range(0, 4000).Count(_ => CaptureKinds.Select(VerdictOf(VerdictKind.Ok, 0.1), true, options, random) == CaptureKind.Ok);

        Assert.InRange(kept, 900, 1100);
        options.OkSampleRate = 0;
        Assert.Null(CaptureKinds.Select(VerdictOf(VerdictKind.Ok, 0.1), true, options, random));
    }
}
