namespace EdgeInspector.Cli.Tests;

public sealed class AnomalyMetricsTests
{
    // The classic case: scores 0.1 0.4 | 0.35 0.8 for labels 0 0 | 1 1.
    private static readonly bool[] Labels = [false, false, true, true];
    private static readonly float[] Scores = [0.1f, 0.4f, 0.35f, 0.8f];

    [Fact]
    public void Auroc_counts_the_ordered_pairs()
    {
        // Pairs (pos, neg): 0.35>0.1, 0.35<0.4, 0.8>0.1, 0.8>0.4 → 3 of 4.
        Assert.Equal(0.75, AnomalyMetrics.Auroc(Labels, Scores), 12);
    }

    [Fact]
    public void Auroc_gives_tied_pairs_half_a_point()
    {
        // pos 0.5 vs negs 0.5, 0.5: two ties (1); pos 0.9 beats both (2) → 3 of 4.
        bool[] labels = [false, true, false, true];
        float[] scores = [0.5f, 0.5f, 0.5f, 0.9f];
        Assert.Equal(0.75, AnomalyMetrics.Auroc(labels, scores), 12);
        Assert.Equal(0.5, AnomalyMetrics.Auroc([false, true], [0.3f, 0.3f]), 12);
    }

    [Fact]
    public void Average_precision_is_precision_summed_over_recall_steps()
    {
        // Cuts from the top: 0.8 → P 1, R .5; 0.4 → P .5, R .5; 0.35 → P 2/3, R 1; 0.1 → P .5, R 1.
        // AP = .5·1 + 0 + .5·(2/3) = 5/6.
        Assert.Equal(5.0 / 6.0, AnomalyMetrics.AveragePrecision(Labels, Scores), 12);
    }

    [Fact]
    public void Average_precision_cuts_tied_scores_together()
    {
        // 0.9 → P 1, R .5; the tied 0.5s (1 pos, 2 neg) → P .5, R 1. AP = .5 + .25.
        Assert.Equal(0.75, AnomalyMetrics.AveragePrecision([false, true, false, true], [0.5f, 0.5f, 0.5f, 0.9f]), 12);
    }

    [Fact]
    public void F1_max_finds_the_best_cut_and_puts_the_threshold_between_scores()
    {
        // F1 per cut: 0.8 → 2/3, 0.4 → 1/2, 0.35 → 0.8, 0.1 → 2/3.
        var best = AnomalyMetrics.F1Max(Labels, Scores);
        Assert.Equal(0.8, best.F1, 12);
        Assert.Equal((0.35 + 0.1) / 2, best.Threshold, 6);
        Assert.Equal(2.0 / 3.0, best.Precision, 12);
        Assert.Equal(1.0, best.Recall, 12);
    }

    [Fact]
    public void Perfect_separation_scores_one_everywhere()
    {
        bool[] labels = [false, false, false, true, true];
        float[] scores = [0.1f, 0.2f, 0.3f, 0.7f, 0.9f];
        Assert.Equal(1.0, AnomalyMetrics.Auroc(labels, scores), 12);
        Assert.Equal(1.0, AnomalyMetrics.AveragePrecision(labels, scores), 12);
        var best = AnomalyMetrics.F1Max(labels, scores);
        Assert.Equal(1.0, best.F1, 12);
        Assert.Equal(0.5, best.Threshold, 6);
    }

    [Fact]
    public void Inverted_scores_give_auroc_zero()
    {
        Assert.Equal(0.0, AnomalyMetrics.Auroc([true, false], [0.1f, 0.9f]), 12);
    }

    [Fact]
    public void Curves_run_from_the_origin_to_full_recall()
    {
        var roc = AnomalyMetrics.RocCurve(Labels, Scores);
        Assert.Equal(new CurvePoint(0, 0), roc[0]);
        Assert.Equal(new CurvePoint(1, 1), roc[^1]);
        Assert.Equal(5, roc.Count);
        var pr = AnomalyMetrics.PrCurve(Labels, Scores);
        Assert.Equal(1.0, pr[^1].X, 12);
    }

    [Fact]
    public void One_class_only_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => AnomalyMetrics.Auroc([false, false], [0.1f, 0.2f]));
        Assert.Contains("both classes", e.Message, StringComparison.Ordinal);
    }
}
