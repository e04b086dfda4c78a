namespace EdgeInspector.Cli;

/// <summary>The F1-optimal operating point: predict anomalous when score &gt;= <see cref="Threshold"/>.</summary>
public sealed record F1Point(double F1, double Threshold, double Precision, double Recall);

/// <summary>A curve point: x = FPR (ROC) or recall (PR), y = TPR or precision.</summary>
public readonly record struct CurvePoint(double X, double Y);

/// <summary>
/// Threshold-free detection metrics, computed the same way for image scores and for pixels.
/// Labels: true = anomalous (positive).
/// Long on purpose: every metric eval reports (AUROC, AP, F1-max, pixel AUROC, AUPRO), each small, kept together so they share one ranking convention.
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

    /// <summary>The FPR up to which <see cref="Aupro"/> integrates by default, as MVTec AD reports it.</summary>
    public const double AuproFprLimit = 0.3;

    /// <summary>
    /// Area under the per-region-overlap curve up to <paramref name="fprLimit"/>, divided by it (MVTec AD's
    /// AU-PRO, Bergmann et al.): 1 when every defect region is found before any good pixel, 0 when none is.
    /// The regions are the 8-connected components of each mask (MVTec's reference code labels with a
    /// 3x3 structure of ones); the FPR counts every pixel outside a region, over all maps; PRO is the
    /// mean over regions of the fraction of each region at or above the threshold, so a small defect
    /// weighs as much as a large one. Trapezoids, with the point at exactly the limit interpolated.
    /// </summary>
    /// <param name="masks">ground truth per map, row-major, <paramref name="width"/> x <paramref name="height"/>; all false for a good part</param>
    /// <param name="maps">anomaly scores of the same pixels</param>
    public static double Aupro(IReadOnlyList<bool[]> masks, IReadOnlyList<float[]> maps, int width, int height, double fprLimit = AuproFprLimit)
    {
        if (fprLimit is not (> 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fprLimit), fprLimit, "the FPR limit must be in (0, 1]");
        }

        var curve = ProCurve(masks, maps, width, height);
        double area = 0;
        for (int i = 1; i < curve.Count && curve[i - 1].X < fprLimit; i++)
        {
            var (a, b) = (curve[i - 1], curve[i]);
            if (b.X <= fprLimit)
            {
                area += (b.X - a.X) * (a.Y + b.Y) / 2;
            }
            else
            {
                double yAtLimit = a.Y + ((b.Y - a.Y) * (fprLimit - a.X) / (b.X - a.X));
                area += (fprLimit - a.X) * (a.Y + yAtLimit) / 2;
            }
        }

        return area / fprLimit;
    }

    /// <summary>
    /// The PRO curve, x = FPR and y = PRO, one point per distinct score from the highest down (tied pixels
    /// enter together), from (0,0) to (1,1). One sort of all pixels: the cost of a pixel AUROC, not one pass per threshold.
    /// </summary>
    public static IReadOnlyList<CurvePoint> ProCurve(IReadOnlyList<bool[]> masks, IReadOnlyList<float[]> maps, int width, int height)
    {
        if (masks.Count != maps.Count)
        {
            throw new ArgumentException($"{masks.Count} masks but {maps.Count} maps", nameof(maps));
        }

        int pixels = width * height;
        long total = (long)pixels * maps.Count;
        if (total > Array.MaxLength)
        {
            throw new ArgumentException($"{total} pixels are more than one sort can hold: evaluate fewer or smaller maps", nameof(maps));
        }

        // Each pixel's region (a running index over all maps) or -1 outside every region.
        var keys = new float[total];
        var region = new int[total];
        var regionSizes = new List<int>();
        for (int m = 0; m < maps.Count; m++)
        {
            if (masks[m].Length != pixels || maps[m].Length != pixels)
            {
                throw new ArgumentException($"map {m} has {maps[m].Length} scores and {masks[m].Length} mask pixels, expected {width}x{height}", nameof(maps));
            }

            maps[m].CopyTo(keys, (long)m * pixels);
            LabelRegions(masks[m], width, height, region.AsSpan(m * pixels, pixels), regionSizes);
        }

        if (keys.Any(float.IsNaN))
        {
            throw new ArgumentException("a score is NaN", nameof(maps));
        }

        long okPixels = region.LongCount(r => r < 0);
        if (regionSizes.Count == 0 || okPixels == 0)
        {
            throw new ArgumentException($"PRO needs defect regions and good pixels: {regionSizes.Count} regions, {okPixels} good pixels", nameof(masks));
        }

        var weight = regionSizes.Select(s => 1.0 / s).ToArray();
        Array.Sort(keys, region);
        var points = new List<CurvePoint> { new(0, 0) };
        long falsePositives = 0;
        double overlap = 0;
        long i = total - 1;
        while (i >= 0)
        {
            float score = keys[i];
            for (; i >= 0 && keys[i] == score; i--)
            {
                if (region[i] < 0)
                {
                    falsePositives++;
                }
                else
                {
                    overlap += weight[region[i]];
                }
            }

            points.Add(new CurvePoint((double)falsePositives / okPixels, Math.Min(1, overlap / regionSizes.Count)));
        }

        points.Add(new CurvePoint(1, 1));
        return points;
    }

    /// <summary>
    /// Writes each pixel's 8-connected component of <paramref name="mask"/> into <paramref name="labels"/>
    /// (new indices from <c>sizes.Count</c> on, -1 outside) and appends each component's size to <paramref name="sizes"/>.
    /// </summary>
    internal static void LabelRegions(bool[] mask, int width, int height, Span<int> labels, List<int> sizes)
    {
        labels.Fill(-1);
        var stack = new Stack<int>();
        for (int start = 0; start < mask.Length; start++)
        {
            if (!mask[start] || labels[start] >= 0)
            {
                continue;
            }

            int id = sizes.Count;
            int size = 0;
            labels[start] = id;
            stack.Push(start);
            while (stack.TryPop(out int p))
            {
                size++;
                int px = p % width;
                int py = p / width;
                for (int y = Math.Max(0, py - 1); y <= Math.Min(height - 1, py + 1); y++)
                {
                    for (int x = Math.Max(0, px - 1); x <= Math.Min(width - 1, px + 1); x++)
                    {
                        int q = (y * width) + x;
                        if (mask[q] && labels[q] < 0)
                        {
                            labels[q] = id;
                            stack.Push(q);
                        }
                    }
                }
            }

            sizes.Add(size);
        }
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
