using EdgeInspector.Core;

namespace EdgeInspector.Core.Tests;

public sealed class DecisionSettingsTests
{
    [Theory]
    [InlineData(0.5, 0.05)]
    [InlineData(0.2, 0.08)]
    [InlineData(0.9, 0.01)]
    public void Raw_score_at_the_threshold_normalizes_to_one_half(double threshold, double scale)
    {
        var d = new DecisionSettings { ImageThreshold = threshold, ScoreScale = scale };

        Assert.Equal(0.5, d.Normalize(threshold), 12);
    }

    [Fact]
    public void Normalize_is_strictly_increasing_and_stays_in_the_unit_interval()
    {
        var d = new DecisionSettings { ImageThreshold = 0.3, ScoreScale = 0.05 };
        double previous = double.NegativeInfinity;
        for (double raw = 0; raw <= 0.6; raw += 0.01)
        {
            double n = d.Normalize(raw);
            Assert.InRange(n, 0.0, 1.0);
            Assert.True(n > previous, $"Normalize({raw}) = {n} is not above {previous}");
            previous = n;
        }
    }

    [Fact]
    public void Scores_below_and_above_the_threshold_fall_on_their_side_of_one_half()
    {
        var d = new DecisionSettings { ImageThreshold = 0.6, ScoreScale = 0.05 };

        Assert.True(d.Normalize(0.55) < 0.5);
        Assert.True(d.Normalize(0.65) > 0.5);
        Assert.True(d.Normalize(0.0) < 0.01);
        Assert.True(d.Normalize(1.0) > 0.99);
    }

    [Fact]
    public void A_smaller_score_scale_makes_the_curve_steeper()
    {
        var gentle = new DecisionSettings { ImageThreshold = 0.5, ScoreScale = 0.2 };
        var steep = new DecisionSettings { ImageThreshold = 0.5, ScoreScale = 0.02 };

        Assert.True(steep.Normalize(0.55) > gentle.Normalize(0.55));
        Assert.True(steep.Normalize(0.45) < gentle.Normalize(0.45));
    }
}
