namespace EdgeInspector.Cli;

/// <summary>The F1-optimal operating point: predict anomalous when score &gt;= <see cref="Threshold"/>.</summary>
public sealed record F1Point(double F1, double Threshold, double Precision, double Recall);

/// <summary>A curve point: x = FPR (ROC) or recall (PR), y = TPR or precision.</summary>
public readonly record struct CurvePoint(double X, double Y);

/// <summary>
/// Threshold-free detection metrics, computed the same way for image scores and for pixels.
/// Labels: true = anomalous (positive).
/// </summary>
public static class AnomalyMetrics
{
    /// <summary>Rank-based AUROC (Mann-Whitney U), tied scores share their average rank.</summary>
    public static double Auroc(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var order = SortedAscending(labels, scores, out long positives, out long negatives);
        double rankSumPositive = 0;
        int i = 0;
        while (i < order.Length)
        {
            int j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]])
            {
                j++;
            }

            double averageRank = ((i + 1) + (j + 1)) / 2.0;
            for (int k = i; k <= j; k++)
            {
                if (labels[order[k]])
                {
                    rankSumPositive += averageRank;
                }
            }

            i = j + 1;
        }

        return (rankSumPositive - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    /// <summary>Average precision: sum over thresholds of (recall step) x precision, tied scores cut together.</summary>
    public static double AveragePrecision(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        double ap = 0;
        double previousRecall = 0;
        foreach (var cut in Cuts(labels, scores))
        {
            ap += (cut.Recall - previousRecall) * cut.Precision;
            previousRecall = cut.Recall;
        }

        return ap;
    }

    /// <summary>
    /// The best F1 over every threshold. The threshold lies midway between the cut score and the
    /// next lower score, so a score equal to a training score is never on the edge.
    /// </summary>
    public static F1Point F1Max(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        F1Point? best = null;
        foreach (var cut in Cuts(labels, scores))
        {
            double f1 = cut.Precision + cut.Recall > 0 ? 2 * cut.Precision * cut.Recall / (cut.Precision + cut.Recall) : 0;
            if (best is null || f1 > best.F1)
            {
                double threshold = cut.NextLower is { } lower ? (cut.Score + lower) / 2 : cut.Score;
                best = new F1Point(f1, threshold, cut.Precision, cut.Recall);
            }
        }

        return best!;
    }

    /// <summary>ROC curve from (0,0) to (1,1), one point per distinct score.</summary>
    public static IReadOnlyList<CurvePoint> RocCurve(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var points = new List<CurvePoint> { new(0, 0) };
        points.AddRange(Cuts(labels, scores).Select(c => new CurvePoint(c.FalsePositiveRate, c.Recall)));
        return points;
    }

    /// <summary>Precision-recall curve, one point per distinct score, starting at recall 0 with the first precision.</summary>
    public static IReadOnlyList<CurvePoint> PrCurve(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var cuts = Cuts(labels, scores).ToList();
        var points = new List<CurvePoint> { new(0, cuts[0].Precision) };
        points.AddRange(cuts.Select(c => new CurvePoint(c.Recall, c.Precision)));
        return points;
    }

    private readonly record struct Cut(double Score, double? NextLower, double Precision, double Recall, double FalsePositiveRate);

    /// <summary>Predict positive for score &gt;= each distinct score, from the highest down.</summary>
    private static IEnumerable<Cut> Cuts(IReadOnlyList<bool> labels, IReadOnlyList<float> scores)
    {
        var order = SortedAscending(labels, scores, out long positives, out long negatives);
        long tp = 0;
        long fp = 0;
        int i = order.Length - 1;
        while (i >= 0)
        {
            float score = scores[order[i]];
            while (i >= 0 && scores[order[i]] == score)
            {
                if (labels[order[i]])
                {
                    tp++;
                }
                else
                {
                    fp++;
                }

                i--;
            }

            double? next = i >= 0 ? scores[order[i]] : null;
            yield return new Cut(score, next, (double)tp / (tp + fp), (double)tp / positives, (double)fp / negatives);
        }
    }

    private static int[] SortedAscending(IReadOnlyList<bool> labels, IReadOnlyList<float> scores, out long positives, out long negatives)
    {
        if (labels.Count != scores.Count)
        {
            throw new ArgumentException($"{labels.Count} labels but {scores.Count} scores", nameof(scores));
        }

        positives = labels.LongCount(l => l);
        negatives = labels.Count - positives;
        if (positives == 0 || negatives == 0)
        {
            throw new ArgumentException($"metrics need both classes: {positives} anomalous and {negatives} good samples", nameof(labels));
        }

        if (scores.Any(float.IsNaN))
        {
            throw new ArgumentException("a score is NaN", nameof(scores));
        }

        var keys = scores.ToArray();
        var order = Enumerable.Range(0, keys.Length).ToArray();
        Array.Sort(keys, order);
        return order;
    }
}
