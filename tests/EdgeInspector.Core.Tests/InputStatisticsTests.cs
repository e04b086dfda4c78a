namespace EdgeInspector.Core.Tests;

/// <summary>The input guard's statistics and the ranges recorded from good parts (issue #13, input guard).</summary>
public sealed class InputStatisticsTests
{
    private const int Size = 64;

    /// <summary>A textured mid-grey part: a deterministic pattern with fine detail.</summary>
    public static byte[] Part(int seed, Func<double, double>? light = null, bool blurred = false)
    {
        var random = new Random(seed);
        var luma = new double[Size * Size];
        for (int i = 0; i < luma.Length; i++)
        {
            luma[i] = 110 + (((i % Size) / 4 + (i / Size) / 4) % 2 * 40) + random.Next(-15, 16);
        }

        if (blurred)
        {
            var copy = (double[])luma.Clone();
            for (int y = 0; y < Size; y++)
            {
                for (int x = 0; x < Size; x++)
                {
                    double sum = 0;
                    int n = 0;
                    for (int dy = -4; dy <= 4; dy++)
                    {
                        for (int dx = -4; dx <= 4; dx++)
                        {
                            int yy = Math.Clamp(y + dy, 0, Size - 1), xx = Math.Clamp(x + dx, 0, Size - 1);
                            sum += copy[(yy * Size) + xx];
                            n++;
                        }
                    }

                    luma[(y * Size) + x] = sum / n;
                }
            }
        }

        var rgb = new byte[Size * Size * 3];
        for (int i = 0; i < luma.Length; i++)
        {
            byte v = (byte)Math.Clamp(Math.Round(light?.Invoke(luma[i]) ?? luma[i]), 0, 255);
            rgb[3 * i] = rgb[(3 * i) + 1] = rgb[(3 * i) + 2] = v;
        }

        return rgb;
    }

    public static InputGuardRanges Enrolled() =>
        InputGuardRanges.From([.. Enumerable.Range(0, 10).Select(i => InputStatistics.Measure(Part(i), Size, Size))]);

    [Fact]
    public void Measures_brightness_contrast_sharpness_and_saturation()
    {
        var flat = new byte[Size * Size * 3];
        Array.Fill(flat, (byte)255);

        var white = InputStatistics.Measure(flat, Size, Size);
        var part = InputStatistics.Measure(Part(1), Size, Size);

        Assert.Equal(255, white.Brightness, 1);
        Assert.Equal(0, white.Contrast, 3);
        Assert.Equal(0, white.Sharpness, 3);
        Assert.Equal(1, white.Saturated);
        Assert.InRange(part.Brightness, 120, 140);
        Assert.InRange(part.Contrast, 15, 30);
        Assert.True(part.Sharpness > 100, $"sharpness {part.Sharpness}");
        Assert.Equal(0, part.Saturated);
    }

    [Fact]
    public void Good_parts_pass_the_ranges_recorded_from_good_parts()
    {
        var ranges = Enrolled();

        Assert.All(Enumerable.Range(100, 10), seed => Assert.Null(ranges.Check(InputStatistics.Measure(Part(seed), Size, Size))));
    }

    [Theory]
    [InlineData("dark", "image too dark: light failure?")]
    [InlineData("blurred", "image blurred")]
    [InlineData("overexposed", "image overexposed")]
    public void A_dark_blurred_or_overexposed_frame_is_refused_with_its_reason(string kind, string reason)
    {
        byte[] frame = kind switch
        {
            "dark" => Part(50, light: v => v * 0.15),
            "blurred" => Part(50, blurred: true),
            _ => Part(50, light: v => (v * 2.5) + 40),
        };

        string? problem = Enrolled().Check(InputStatistics.Measure(frame, Size, Size));

        Assert.NotNull(problem);
        Assert.StartsWith(reason, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Measuring_a_frame_allocates_nothing_per_frame()
    {
        var rgb = new byte[224 * 224 * 3];
        new Random(2).NextBytes(rgb);
        InputStatistics.Measure(rgb, 224, 224); // the pool's first rent

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++)
        {
            InputStatistics.Measure(rgb, 224, 224);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
