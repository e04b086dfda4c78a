using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>
/// Defects on the surfaces other than brushed metal, drawn the way they look on that material and
/// kept small: a scratch is 1-2 px wide in the 640 px frame (under a patch at the model's 224 px),
/// not the bold 3 px line of the original demo surface. Photographed textures (<see cref="PhotoParts"/>)
/// get one bolder look of their own.
/// </summary>
internal static class SurfaceDefects
{
    /// <summary>How one material shows each defect kind.</summary>
    /// <param name="ScratchGain">grey levels a scratch adds (burnished metal, stress-whitened plastic, a pulled thread's sheen)</param>
    /// <param name="ScratchWidth">line width in pixels</param>
    /// <param name="ScratchAlongThreads">a fabric snag follows the weave instead of running at any angle</param>
    /// <param name="Stains">spots per contamination, at least and at most</param>
    /// <param name="StainRadius">spot radius in pixels, at least and at most</param>
    /// <param name="StainSoftness">Gaussian sigma of the spot's edge</param>
    /// <param name="StainKeeps">fraction of the surface's brightness a spot's centre keeps</param>
    /// <param name="CrackWidth">crack line width in pixels</param>
    /// <param name="CrackKeeps">fraction of the surface's brightness inside the crack</param>
    private sealed record Look(
        double ScratchGain, int ScratchWidth, bool ScratchAlongThreads,
        (int Min, int Max) Stains, (int Min, int Max) StainRadius, double StainSoftness, double StainKeeps,
        int CrackWidth, double CrackKeeps);

    private static readonly Look CastMetal = new(50, 1, false, (3, 6), (3, 7), 1.5, 0.5, 1, 0.35);

    // A stain on cloth is wide and faint; a tear shows the darkness behind the cloth.
    private static readonly Look WovenFabric = new(40, 2, true, (1, 1), (12, 24), 4, 0.75, 2, 0.3);

    // Black specks are the moulding's contamination; cracks in plastic are hairlines.
    private static readonly Look MouldedPlastic = new(30, 1, false, (1, 3), (2, 4), 0.8, 0.3, 1, 0.5);

    // Photographed textures span the whole grey range (gravel's shadows, brick joints), so their
    // defects need more contrast and 2 px width (about 1 px at the model's 224 px) to be there at all.
    private static readonly Look Photo = new(60, 2, false, (2, 4), (4, 8), 1.5, 0.35, 2, 0.25);

    /// <summary>Draws <paramref name="defect"/> into the grey levels (row-major, <paramref name="width"/> wide).</summary>
    public static void Draw(float[] grey, int width, int height, SyntheticSurface surface, SyntheticDefect defect, Random random)
    {
        if (defect == SyntheticDefect.None)
        {
            return;
        }

        var look = surface switch
        {
            SyntheticSurface.CastMetal => CastMetal,
            SyntheticSurface.WovenFabric => WovenFabric,
            SyntheticSurface.MouldedPlastic => MouldedPlastic,
            _ => throw new ArgumentOutOfRangeException(nameof(surface), surface, null),
        };
        using var cover = Draw(grey, width, height, look, defect, random);
    }

    /// <summary>
    /// Draws <paramref name="defect"/> into the grey levels of a photographed texture (<see cref="PhotoParts"/>)
    /// and returns its coverage (CV_8UC1, 0-255, anti-aliased; the caller disposes it).
    /// </summary>
    public static Mat DrawOnPhoto(float[] grey, int width, int height, SyntheticDefect defect, Random random) =>
        Draw(grey, width, height, Photo, defect, random);

    private static Mat Draw(float[] grey, int width, int height, Look look, SyntheticDefect defect, Random random)
    {
        // Coverage (0-255, anti-aliased) of the defect, then blended into the surface.
        var cover = new Mat(height, width, MatType.CV_8UC1, Scalar.All(0));
        if (defect == SyntheticDefect.None)
        {
            return cover;
        }

        var start = new Point(random.Next(width / 6, width * 5 / 6), random.Next(height / 6, height * 5 / 6));
        switch (defect)
        {
            case SyntheticDefect.Scratch:
            {
                double angle = look.ScratchAlongThreads ? random.Next(2) * Math.PI / 2 : random.NextDouble() * Math.PI;
                int length = random.Next(width / 8, width / 4);
                var end = new Point(start.X + (int)(length * Math.Cos(angle)), start.Y + (int)(length * Math.Sin(angle)));
                Cv2.Line(cover, start, end, Scalar.All(255), look.ScratchWidth, LineTypes.AntiAlias);
                Blend(grey, cover, c => c * look.ScratchGain, add: true);
                return cover;
            }

            case SyntheticDefect.Contamination:
                for (int i = random.Next(look.Stains.Min, look.Stains.Max + 1); i > 0; i--)
                {
                    var at = new Point(start.X + random.Next(-25, 26), start.Y + random.Next(-25, 26));
                    Cv2.Circle(cover, at, random.Next(look.StainRadius.Min, look.StainRadius.Max + 1), Scalar.All(255), -1, LineTypes.AntiAlias);
                }

                Cv2.GaussianBlur(cover, cover, new Size(0, 0), look.StainSoftness);
                Blend(grey, cover, c => 1 - (c * (1 - look.StainKeeps)), add: false);
                return cover;

            case SyntheticDefect.Crack:
            {
                var path = SyntheticParts.CrackPath(start, random);
                for (int i = 1; i < path.Length; i++)
                {
                    Cv2.Line(cover, path[i - 1], path[i], Scalar.All(255), look.CrackWidth, LineTypes.AntiAlias);
                }

                Blend(grey, cover, c => 1 - (c * (1 - look.CrackKeeps)), add: false);
                return cover;
            }

            default:
                cover.Dispose();
                throw new ArgumentOutOfRangeException(nameof(defect), defect, null);
        }
    }

    /// <summary>Adds or multiplies <paramref name="effect"/> of each pixel's coverage (0-1) where there is any.</summary>
    private static void Blend(float[] grey, Mat cover, Func<double, double> effect, bool add)
    {
        cover.GetArray(out byte[] coverage);
        for (int i = 0; i < grey.Length; i++)
        {
            if (coverage[i] != 0)
            {
                double e = effect(coverage[i] / 255.0);
                grey[i] = (float)(add ? grey[i] + e : grey[i] * e);
            }
        }
    }
}
