namespace EdgeInspector.Cli.Tests;

/// <summary>AU-PRO against cases worked out by hand, and against a slow one-pass-per-threshold reference.</summary>
public sealed class AuproTests
{
    [Fact]
    public void A_map_equal_to_its_mask_scores_one()
    {
        var mask = Square(10, 10, 2, 2, 4);
        var map = mask.Select(m => m ? 1f : 0f).ToArray();

        Assert.Equal(1.0, AnomalyMetrics.Aupro([mask], [map], 10, 10), 12);
    }

    [Fact]
    public void An_inverted_map_scores_zero()
    {
        var mask = Square(10, 10, 2, 2, 4);
        var map = mask.Select(m => m ? 0f : 1f).ToArray();

        Assert.Equal(0.0, AnomalyMetrics.Aupro([mask], [map], 10, 10), 12);
    }

    [Fact]
    public void Each_region_weighs_the_same_whatever_its_size()
    {
        // A 2x2 region (4 px) and a 4x4 region (16 px) in a 10x10 map; 80 good pixels at 0.5.
        var mask = Or(Square(10, 10, 0, 0, 2), Square(10, 10, 5, 5, 4));
        float[] LargeFound(bool large) => [.. Enumerable.Range(0, 100).Select(p =>
            !mask[p] ? 0.5f : (p % 10 >= 5) == large ? 0.9f : 0.1f)];

        // Only the large region above the good pixels: PRO is (0 + 1) / 2 = 0.5 up to FPR 1, though
        // 16 of the 20 defect pixels (0.8) are found; only the small one: still 0.5 (pixels: 0.2).
        Assert.Equal(0.5, AnomalyMetrics.Aupro([mask], [LargeFound(true)], 10, 10), 12);
        Assert.Equal(0.5, AnomalyMetrics.Aupro([mask], [LargeFound(false)], 10, 10), 12);
        Assert.Equal(new CurvePoint(0, 0.5), AnomalyMetrics.ProCurve([mask], [LargeFound(true)], 10, 10)[1]);
    }

    [Fact]
    public void Tied_pixels_enter_together_and_the_curve_is_interpolated_at_the_limit()
    {
        // 3x2: good pixels 0.9, 0.6, 0.3, 0.1; one region of two pixels 0.7 and 0.6 (tied with a good one).
        bool[] mask = [false, true, true, false, false, false];
        float[] map = [0.9f, 0.7f, 0.6f, 0.6f, 0.3f, 0.1f];

        // From the top: 0.9 → (0.25, 0); 0.7 → (0.25, 0.5); 0.6 (good + region together) → (0.5, 1).
        var curve = AnomalyMetrics.ProCurve([mask], [map], 3, 2);
        Assert.Equal(
            [new(0, 0), new(0.25, 0), new(0.25, 0.5), new(0.5, 1), new(0.75, 1), new(1, 1), new(1, 1)],
            curve);

        // Up to 0.3 only the slope from (0.25, 0.5) counts, to its value at 0.3: 0.5 + 0.5 · 0.05 / 0.25 = 0.6.
        double area = 0.05 * (0.5 + 0.6) / 2;
        Assert.Equal(area / 0.3, AnomalyMetrics.Aupro([mask], [map], 3, 2), 12);
        // Integrating to the end: 0.25 · 0.75 + 0.5 · 1 over 1.
        Assert.Equal((0.25 * 0.75) + 0.5, AnomalyMetrics.Aupro([mask], [map], 3, 2, fprLimit: 1), 12);
    }

    [Fact]
    public void Diagonal_neighbours_are_one_region()
    {
        // (0,0), (1,1), (2,1): one 8-connected region of 3 px (4-connectivity would see 1 + 2).
        bool[] mask = [true, false, false, false, true, true];
        float[] map = [1f, 0.5f, 0.5f, 0.5f, 0f, 0f];

        // One region, a third found first: 1/3 (two regions would give (1 + 0) / 2).
        Assert.Equal(1.0 / 3, AnomalyMetrics.Aupro([mask], [map], 3, 2), 12);
    }

    [Fact]
    public void Good_maps_add_to_the_false_positives_only()
    {
        var mask = Square(4, 4, 0, 0, 2);
        var map = mask.Select(m => m ? 0.8f : 0.1f).ToArray();
        var good = new bool[16];
        float[] hot = [.. Enumerable.Repeat(0.9f, 6), .. Enumerable.Repeat(0f, 10)];

        // 12 + 16 good pixels; 6 of them above the region: the region is found at FPR 6/28, then PRO 1.
        double fpr = 6.0 / 28;
        Assert.Equal((0.3 - fpr) / 0.3, AnomalyMetrics.Aupro([mask, good], [map, hot], 4, 4), 12);
    }

    [Fact]
    public void A_random_map_scores_about_0_15()
    {
        // PRO ≈ FPR for scores that ignore the mask: ∫₀^0.3 x dx / 0.3 = 0.15.
        var random = new Random(9);
        var masks = Enumerable.Range(0, 20).Select(m => Square(64, 64, m, 2 * m, 5 + m)).ToList();
        var maps = masks.Select(_ => Enumerable.Range(0, 64 * 64).Select(_ => (float)random.NextDouble()).ToArray()).ToList();

        Assert.InRange(AnomalyMetrics.Aupro(masks, maps, 64, 64), 0.13, 0.17);
    }

    [Fact]
    public void Masks_without_a_region_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => AnomalyMetrics.Aupro([new bool[4]], [new float[4]], 2, 2));
        Assert.Contains("0 regions", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matches_a_pass_per_threshold_reference_on_random_maps()
    {
        var random = new Random(3);
        const int W = 24;
        const int H = 16;
        var masks = new List<bool[]>();
        var maps = new List<float[]>();
        for (int m = 0; m < 6; m++)
        {
            var mask = m % 3 == 0 ? new bool[W * H] : Or(Square(W, H, random.Next(W - 6), random.Next(H - 6), 1 + random.Next(5)), Square(W, H, random.Next(W - 3), random.Next(H - 3), 2));
            masks.Add(mask);
            // Quantised scores so that many pixels tie; defects score higher on average.
            maps.Add([.. mask.Select(d => (float)Math.Round((random.NextDouble() + (d ? 0.4 : 0)) * 20) / 20)]);
        }

        foreach (double limit in new[] { 0.05, 0.3, 1.0 })
        {
            Assert.Equal(ReferenceAupro(masks, maps, W, H, limit), AnomalyMetrics.Aupro(masks, maps, W, H, limit), 10);
        }
    }

    [Fact]
    public void Hundreds_of_model_size_maps_take_seconds()
    {
        var random = new Random(5);
        const int Side = 224;
        var masks = new List<bool[]>();
        var maps = new List<float[]>();
        for (int m = 0; m < 300; m++)
        {
            masks.Add(m % 2 == 0 ? new bool[Side * Side] : Square(Side, Side, random.Next(200), random.Next(200), 4 + random.Next(20)));
            var map = new float[Side * Side];
            for (int p = 0; p < map.Length; p++)
            {
                map[p] = (float)random.NextDouble() + (masks[m][p] ? 0.5f : 0);
            }

            maps.Add(map);
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();
        double aupro = AnomalyMetrics.Aupro(masks, maps, Side, Side);

        Assert.InRange(aupro, 0.05, 0.95);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"{watch.Elapsed.TotalSeconds:F1} s for 300 maps of 224x224");
    }

    /// <summary>The definition, slowly: for every distinct score, a full pass for FPR and each region's overlap; MVTec's trapezoid.</summary>
    private static double ReferenceAupro(List<bool[]> masks, List<float[]> maps, int width, int height, double limit)
    {
        var regions = new List<(int Map, HashSet<int> Pixels)>();
        for (int m = 0; m < masks.Count; m++)
        {
            var labels = new int[width * height];
            var sizes = new List<int>();
            AnomalyMetrics.LabelRegions(masks[m], width, height, labels, sizes);
            for (int r = 0; r < sizes.Count; r++)
            {
                regions.Add((m, [.. Enumerable.Range(0, labels.Length).Where(p => labels[p] == r)]));
            }
        }

        var x = new List<double> { 0 };
        var y = new List<double> { 0 };
        long ok = masks.Sum(k => k.LongCount(d => !d));
        foreach (float t in maps.SelectMany(s => s).Distinct().OrderDescending())
        {
            long fp = Enumerable.Range(0, maps.Count).Sum(m => Enumerable.Range(0, width * height).LongCount(p => !masks[m][p] && maps[m][p] >= t));
            x.Add((double)fp / ok);
            y.Add(regions.Average(r => r.Pixels.Count(p => maps[r.Map][p] >= t) / (double)r.Pixels.Count));
        }

        x.Add(1);
        y.Add(1);

        // generic_util.trapezoid: cut at the limit, interpolating y there when no point lies on it.
        double correction = 0;
        int ins = x.FindIndex(v => v > limit);
        if (ins > 0 && !x.Contains(limit))
        {
            double yAt = y[ins - 1] + ((y[ins] - y[ins - 1]) * (limit - x[ins - 1]) / (x[ins] - x[ins - 1]));
            correction = 0.5 * (yAt + y[ins - 1]) * (limit - x[ins - 1]);
        }

        var keep = Enumerable.Range(0, x.Count).Where(i => x[i] <= limit).ToList();
        double area = 0;
        for (int k = 1; k < keep.Count; k++)
        {
            area += 0.5 * (y[keep[k]] + y[keep[k - 1]]) * (x[keep[k]] - x[keep[k - 1]]);
        }

        return (area + correction) / limit;
    }

    private static bool[] Square(int width, int height, int left, int top, int side)
    {
        var mask = new bool[width * height];
        for (int y = top; y < Math.Min(height, top + side); y++)
        {
            for (int x = left; x < Math.Min(width, left + side); x++)
            {
                mask[(y * width) + x] = true;
            }
        }

        return mask;
    }

    private static bool[] Or(bool[] a, bool[] b) => [.. a.Zip(b, (p, q) => p || q)];
}
