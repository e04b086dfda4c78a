using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Good-part grey levels (row-major floats) of the surfaces other than brushed metal. Every
/// random draw comes from the caller's <see cref="Random"/>, so a seed fixes the pixels. Sizes are
/// in pixels of the 640x480 frame the camera would give; the model sees them at about a third.
/// </summary>
internal static class SurfaceTextures
{
    /// <summary>BGR gains applied to the grey levels: the material's colour.</summary>
    public static Scalar Tint(SyntheticSurface surface) => surface switch
    {
        SyntheticSurface.CastMetal => new Scalar(0.97, 1.0, 1.0),
        SyntheticSurface.WovenFabric => new Scalar(0.78, 0.94, 1.06),
        SyntheticSurface.MouldedPlastic => new Scalar(1.25, 1.02, 0.82),
        _ => throw new ArgumentOutOfRangeException(nameof(surface), surface, null),
    };

    public static float[] Render(SyntheticSurface surface, int width, int height, Random random) => surface switch
    {
        SyntheticSurface.CastMetal => CastMetal(width, height, random),
        SyntheticSurface.WovenFabric => WovenFabric(width, height, random),
        SyntheticSurface.MouldedPlastic => MouldedPlastic(width, height, random),
        _ => throw new ArgumentOutOfRangeException(nameof(surface), surface, null),
    };

    /// <summary>Sand-blasted grain (isotropic, about 1 px), slow mottling, a light gradient and small dark pits.</summary>
    private static float[] CastMetal(int width, int height, Random random)
    {
        var grey = Blurred(Noise(width, height, 24, random), width, height, 0.8);
        var mottle = Coarse(width, height, 16, 6, random);
        double level = 120 + (random.NextDouble() * 20);
        var light = Gradient(width, height, 8, random);
        for (int i = 0; i < grey.Length; i++)
        {
            grey[i] += (float)level + mottle[i] + light[i];
        }

        // Pits are part of the good surface, so a dark speck alone does not make a defect.
        for (int n = width * height / 4000; n > 0; n--)
        {
            int x = random.Next(width);
            int y = random.Next(height);
            grey[(y * width) + x] -= 30;
        }

        return grey;
    }

    /// <summary>
    /// Plain weave: in each cell one thread lies on top, alternating like a checkerboard; a thread is
    /// brightest along its middle and darker where it dives under. Period, angle and phase vary per part.
    /// </summary>
    private static float[] WovenFabric(int width, int height, Random random)
    {
        double period = 16 + (random.NextDouble() * 4);
        double angle = (random.NextDouble() - 0.5) * 8 * Math.PI / 180;
        double phaseU = random.NextDouble() * period;
        double phaseV = random.NextDouble() * period;
        double level = 120 + (random.NextDouble() * 20);
        int threads = (int)((width + height) / period) + 4;
        var warp = Offsets(2 * threads, 6, random);
        var weft = Offsets(2 * threads, 6, random);
        var grey = Noise(width, height, 3, random);
        double cos = Math.Cos(angle);
        double sin = Math.Sin(angle);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double u = ((x * cos) + (y * sin) + phaseU) / period;
                double v = ((y * cos) - (x * sin) + phaseV) / period;
                int i = (int)Math.Floor(u);
                int j = (int)Math.Floor(v);
                bool warpOnTop = ((i + j) & 1) == 0;
                double across = Math.Sin(Math.PI * (warpOnTop ? u - i : v - j));
                double along = 0.75 + (0.25 * Math.Sin(Math.PI * (warpOnTop ? v - j : u - i)));
                double thread = warpOnTop ? warp[i + threads] : weft[j + threads];
                grey[(y * width) + x] += (float)(level + (60 * ((across * along) - 0.5)) + thread);
            }
        }

        return grey;
    }

    /// <summary>Orange peel: a smooth random relief of a few pixels lit from one side, plus a soft gloss band.</summary>
    private static float[] MouldedPlastic(int width, int height, Random random)
    {
        var relief = Blurred(Noise(width, height, 1, random), width, height, 2.5);
        double light = random.NextDouble() * 2 * Math.PI;
        double level = 85 + (random.NextDouble() * 15);
        double bandAngle = random.NextDouble() * Math.PI;
        double bandCentre = (random.NextDouble() - 0.5) * width * 0.6;
        var grey = Noise(width, height, 1.5, random);
        using var heights = Mat.FromPixelData(height, width, MatType.CV_32FC1, relief);
        using var dx = new Mat();
        using var dy = new Mat();
        Cv2.Sobel(heights, dx, MatType.CV_32F, 1, 0);
        Cv2.Sobel(heights, dy, MatType.CV_32F, 0, 1);
        dx.GetArray(out float[] gx);
        dy.GetArray(out float[] gy);
        double lx = 25 * Math.Cos(light);
        double ly = 25 * Math.Sin(light);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int k = (y * width) + x;
                double across = ((x - (width / 2.0)) * Math.Cos(bandAngle)) + ((y - (height / 2.0)) * Math.Sin(bandAngle)) - bandCentre;
                double gloss = 18 * Math.Exp(-Math.Pow(across / (0.25 * width), 2));
                grey[k] += (float)(level + (lx * gx[k]) + (ly * gy[k]) + gloss);
            }
        }

        return grey;
    }

    private static float[] Noise(int width, int height, double sigma, Random random)
    {
        var values = new float[width * height];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)(sigma * SyntheticParts.Gaussian(random));
        }

        return values;
    }

    private static float[] Blurred(float[] values, int width, int height, double sigma)
    {
        using var src = Mat.FromPixelData(height, width, MatType.CV_32FC1, values);
        using var dst = new Mat();
        Cv2.GaussianBlur(src, dst, new Size(0, 0), sigma);
        dst.GetArray(out float[] blurred);
        return blurred;
    }

    /// <summary>Noise on a grid <paramref name="cell"/> pixels apart, smoothly interpolated to the full size.</summary>
    private static float[] Coarse(int width, int height, int cell, double sigma, Random random)
    {
        int w = Math.Max(2, (width / cell) + 1);
        int h = Math.Max(2, (height / cell) + 1);
        using var small = Mat.FromPixelData(h, w, MatType.CV_32FC1, Noise(w, h, sigma, random));
        using var full = new Mat();
        Cv2.Resize(small, full, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
        full.GetArray(out float[] values);
        return values;
    }

    /// <summary>Uneven light: a linear ramp of +-<paramref name="amplitude"/> grey levels in a random direction.</summary>
    private static float[] Gradient(int width, int height, double amplitude, Random random)
    {
        double angle = random.NextDouble() * 2 * Math.PI;
        double gx = amplitude * Math.Cos(angle) / width;
        double gy = amplitude * Math.Sin(angle) / height;
        var values = new float[width * height];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                values[(y * width) + x] = (float)((gx * (2 * x - width)) + (gy * (2 * y - height)));
            }
        }

        return values;
    }

    private static double[] Offsets(int count, double sigma, Random random)
    {
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = sigma * SyntheticParts.Gaussian(random);
        }

        return values;
    }
}
