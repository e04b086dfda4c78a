namespace EdgeInspector.Enrollment.Tests;

/// <summary>
/// Per-position statistics: a corner that reads far from the bank on every good part stops setting
/// the score, and a defect in the middle, smaller than that corner, becomes the maximum.
/// </summary>
public sealed class PositionCalibrationTests
{
    private const int Side = 8;
    private const float Scale = 6f;

    [Fact]
    public void A_corner_hot_on_every_good_part_is_mapped_onto_the_image_wide_level()
    {
        var (gain, bias) = HotCornerParts(seed: 3).Solve();
        var probe = Distances(Map(new Random(9), corner: 12));
        var corrected = probe.Select((d, i) => (d * gain[i]) + bias[i]).ToArray();

        Assert.Equal(0, Array.IndexOf(probe, probe.Max())); // raw: the corner is the maximum
        Assert.True(probe[0] - probe.Average() > 5, $"raw corner {probe[0]} vs mean {probe.Average()}");
        Assert.True(Math.Abs(corrected[0] - corrected.Average()) < 1.5, $"corner {corrected[0]} vs mean {corrected.Average()}");
    }

    [Fact]
    public void After_calibration_a_central_defect_weaker_than_the_corner_is_the_maximum()
    {
        var (gain, bias) = HotCornerParts(seed: 4).Solve();
        var defect = Distances(Map(new Random(10), corner: 12));
        int centre = (Side / 2 * Side) + (Side / 2);
        defect[centre] = 9; // above the middle's good level (~5), below the corner's (12)

        var corrected = defect.Select((d, i) => (d * gain[i]) + bias[i]).ToArray();

        Assert.Equal(0, Array.IndexOf(defect, defect.Max()));
        Assert.Equal(centre, Array.IndexOf(corrected, corrected.Max()));
    }

    [Fact]
    public void Held_out_scores_leave_each_part_out_of_its_own_statistics()
    {
        // Part 0 alone is hot in the middle: with itself in the statistics that pixel's spread
        // absorbs it; left out, the others' tight spread makes it the clear outlier it is.
        var calibration = new PositionCalibration(10, Side * Side, Scale);
        var random = new Random(5);
        for (int p = 0; p < 10; p++)
        {
            var map = Map(random, corner: 5);
            if (p == 0)
            {
                map[27] = Squash(15);
            }

            calibration.Add(p, map);
        }

        var (scores, maxMap) = calibration.HeldOutScores();
        var (gain, bias) = calibration.Solve();
        float inSample = Squash(Math.Max(0, (15 * gain[27]) + bias[27]));

        Assert.Equal(scores.Max(), scores[0]);
        Assert.True(scores[0] > inSample, $"held out {scores[0]} vs in-sample {inSample}");
        Assert.Equal(scores.Max(), maxMap);
        Assert.All(scores, s => Assert.InRange(s, 0f, 1f));
    }

    [Fact]
    public void A_map_of_the_wrong_size_and_a_missing_part_are_refused()
    {
        var calibration = new PositionCalibration(2, Side * Side, Scale);
        Assert.Throws<ArgumentException>(() => calibration.Add(0, new float[Side]));
        calibration.Add(0, new float[Side * Side]);
        Assert.Throws<InvalidOperationException>(() => calibration.Solve());
        Assert.Throws<ArgumentOutOfRangeException>(() => new PositionCalibration(1, Side * Side, Scale));
    }

    /// <summary>Twenty good parts' maps whose top-left corner reads 12 on every part.</summary>
    private static PositionCalibration HotCornerParts(int seed)
    {
        var random = new Random(seed);
        var calibration = new PositionCalibration(20, Side * Side, Scale);
        for (int p = 0; p < 20; p++)
        {
            calibration.Add(p, Map(random, corner: 12));
        }

        return calibration;
    }

    /// <summary>An anomaly map as the model outputs it: distances ~5 ± 0.5, the top-left corner at <paramref name="corner"/>.</summary>
    private static float[] Map(Random random, float corner)
    {
        var map = new float[Side * Side];
        for (int i = 0; i < map.Length; i++)
        {
            map[i] = Squash((float)(5 + ((random.NextDouble() - 0.5) * 1.0)));
        }

        map[0] = Squash(corner + (float)((random.NextDouble() - 0.5) * 1.0));
        return map;
    }

    private static float Squash(float d) => d / (d + Scale);

    private static float[] Distances(float[] map) => [.. map.Select(a => Scale * a / (1 - a))];
}
