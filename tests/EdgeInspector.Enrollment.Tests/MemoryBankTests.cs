using EdgeInspector.Enrollment;

namespace EdgeInspector.Enrollment.Tests;

public sealed class MemoryBankTests
{
    [Theory]
    [InlineData(147, 147)]      // few-shot: every patch
    [InlineData(14700, 1470)]   // 10 %
    [InlineData(5000, 1024)]    // at least 1024
    [InlineData(100000, 4096)]  // at most 4096
    public void Coreset_size_follows_the_trainer(int patches, int expected) =>
        Assert.Equal(expected, MemoryBank.CoresetSize(patches));

    [Fact]
    public void Greedy_coreset_takes_the_farthest_point_next()
    {
        // 1-D points: start at index 0 (0.0), farthest is 10 (index 3), then 5 (index 2).
        float[] points = [0f, 1f, 5f, 10f, 9f];
        Assert.Equal([0, 3, 2], MemoryBank.GreedyCoreset(points, 1, 3));
    }

    [Fact]
    public void Build_is_deterministic_and_copies_whole_rows()
    {
        var random = new Random(3);
        var features = Enumerable.Range(0, 2000 * 4).Select(_ => (float)random.NextDouble()).ToArray();

        float[] a = MemoryBank.Build(features, 4, ratio: 0.1, minSize: 10, maxSize: 50);
        float[] b = MemoryBank.Build(features, 4, ratio: 0.1, minSize: 10, maxSize: 50);

        Assert.Equal(50 * 4, a.Length);
        Assert.Equal(a, b);
        Assert.Equal(features.AsSpan(0, 4).ToArray(), a.AsSpan(0, 4).ToArray());
    }

    [Fact]
    public void Wide_features_are_selected_on_a_projection_that_keeps_the_far_points()
    {
        // 400 points near the origin in 384 dimensions and 3 far outliers: whatever the projection,
        // k-center greedy must pick the outliers right after the start.
        var random = new Random(5);
        const int Dim = 384;
        var features = Enumerable.Range(0, 403 * Dim).Select(_ => (float)(random.NextDouble() * 0.01)).ToArray();
        for (int o = 0; o < 3; o++)
        {
            features[((400 + o) * Dim) + (o * 100)] = 50f + o;
        }

        int[] chosen = MemoryBank.GreedyCoreset(features, Dim, 4);

        Assert.Equal(0, chosen[0]);
        Assert.Equal([400, 401, 402], chosen[1..].Order());
        Assert.Equal(chosen, MemoryBank.GreedyCoreset(features, Dim, 4));
    }

    [Fact]
    public void Good_only_calibration_matches_the_trainer()
    {
        float[] scores = [0.30f, 0.32f, 0.31f, 0.29f];
        var d = MemoryBankEnrollment.Calibrate(scores, 0.2f);
        Assert.True(d.ImageThreshold > scores.Max());
        Assert.Equal(0.2, d.PixelThreshold, 5);
        // The median good part reads 0.1 after the agent's logistic normalisation.
        Assert.Equal(0.1, d.Normalize(0.305), 4);
    }
}
