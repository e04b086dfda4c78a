using OpenCvSharp;

namespace EdgeInspector.Imaging;

/// <summary>Which side of the photograph a part is cut from: good training parts and test parts never share pixels.</summary>
public enum PhotoSplit
{
    /// <summary>The left <see cref="PhotoParts.TrainFraction"/> of the photograph's width.</summary>
    Train,

    /// <summary>The right remainder: what a model enrolled on <see cref="Train"/> has never seen.</summary>
    Test,
}

/// <summary>One part cut from a photograph: the BGR image, its defect mask (CV_8UC1, 0/255) and where it came from.</summary>
public sealed class PhotoPart(Mat image, Mat mask, Rect crop, int orientation) : IDisposable
{
    public Mat Image { get; } = image;

    public Mat Mask { get; } = mask;

    /// <summary>The square of the photograph the part was cut from, in the photograph's pixels.</summary>
    public Rect Crop { get; } = crop;

    /// <summary>0-3: quarter turns clockwise; 4-7: the same after a horizontal flip.</summary>
    public int Orientation { get; } = orientation;

    public void Dispose()
    {
        Image.Dispose();
        Mask.Dispose();
    }
}

/// <summary>
/// Test sets from real photographs of textures, beside the procedural <see cref="SyntheticSurface"/>s:
/// each part is a random square crop at a fixed scale (<see cref="CropFraction"/> of the photograph's
/// shorter side) in one of the 8 orientations (quarter turns, flips), with a mild brightness gain,
/// resized to <see cref="PartSize"/> and given a small synthetic defect (<see cref="SurfaceDefects"/>).
/// Nothing is downloaded: the photographs are files on disk, by default the CC0 textures Debian's
/// <c>python3-skimage</c> ships. The same photograph, split and seed give the same pixels.
/// </summary>
public static class PhotoParts
{
    /// <summary>Side of a part in pixels (square, so quarter turns keep the shape); defects are sized for it.</summary>
    public const int PartSize = 480;

    /// <summary>The crop's side as a fraction of the photograph's shorter side (154 px of a 512 px photograph).</summary>
    public const double CropFraction = 0.3;

    /// <summary>The left fraction of the photograph's width that training parts come from; test parts come from the rest.</summary>
    public const double TrainFraction = 0.6;

    /// <summary>Where Debian's <c>python3-skimage</c> installs its sample images.</summary>
    public const string DefaultDirectory = "/usr/lib/python3/dist-packages/skimage/data";

    /// <summary>The photographed textures, by command-line name: scikit-image's CC0 texture samples (cc0textures.com).</summary>
    public static IReadOnlyList<string> Names { get; } = ["brick", "grass", "gravel"];

    /// <summary>Brightness changes below this many grey levels are texture noise, not part of a defect's mask.</summary>
    private const int VisibleChange = 12;

    /// <summary>
    /// The photograph <paramref name="name"/> from <paramref name="directory"/> (default <see cref="DefaultDirectory"/>)
    /// as grey levels. Throws <see cref="ArgumentException"/> for a name not in <see cref="Names"/>,
    /// <see cref="FileNotFoundException"/> saying what to install when the file is absent.
    /// </summary>
    public static Mat Load(string name, string? directory = null)
    {
        if (!Names.Contains(name))
        {
            throw new ArgumentException($"unknown photo '{name}' (photos: {string.Join(", ", Names)})", nameof(name));
        }

        string file = Path.GetFullPath(Path.Combine(directory ?? DefaultDirectory, name + ".png"));
        if (!File.Exists(file))
        {
            throw new FileNotFoundException(directory is null
                ? $"photo '{file}' does not exist: it comes with Debian's scikit-image data (apt-get install python3-skimage), or pass --photo-dir DIR holding {name}.png"
                : $"photo '{file}' does not exist: --photo-dir must hold {name}.png (Debian's python3-skimage installs it in {DefaultDirectory})", file);
        }

        var photo = Cv2.ImRead(file, ImreadModes.Grayscale);
        if (photo.Empty() || Math.Min(photo.Width, photo.Height) < 64 || CropSide(photo) > photo.Width - TrainWidth(photo))
        {
            photo.Dispose();
            throw new FileNotFoundException($"photo '{file}' cannot be read as an image of at least 64x64 px whose test strip (the right {1 - TrainFraction:P0}) is as wide as a crop ({CropFraction:P0} of its shorter side)", file);
        }

        return photo;
    }

    /// <summary>Renders one part of <paramref name="photo"/> (grey, from <see cref="Load"/>) from its <paramref name="split"/>.</summary>
    /// <param name="brightnessJitter">the part's gain is drawn from 1 ± this (0: the photograph's own levels)</param>
    public static PhotoPart Render(Mat photo, PhotoSplit split, SyntheticDefect defect, int seed, double brightnessJitter = 0.05)
    {
        var random = new Random(seed);
        int side = CropSide(photo);
        int left = split == PhotoSplit.Train ? 0 : TrainWidth(photo);
        int right = split == PhotoSplit.Train ? TrainWidth(photo) : photo.Width;
        var crop = new Rect(left + random.Next(right - left - side + 1), random.Next(photo.Height - side + 1), side, side);
        int orientation = random.Next(8);
        double gain = 1 + (brightnessJitter * ((2 * random.NextDouble()) - 1));

        using var turned = Orient(photo, crop, orientation);
        using var resized = new Mat();
        Cv2.Resize(turned, resized, new Size(PartSize, PartSize), 0, 0, InterpolationFlags.Cubic);
        using var levels = new Mat();
        resized.ConvertTo(levels, MatType.CV_32FC1, gain);
        levels.GetArray(out float[] clean);
        var grey = (float[])clean.Clone();
        using var cover = SurfaceDefects.DrawOnPhoto(grey, PartSize, PartSize, defect, random);

        using var defective = Mat.FromPixelData(PartSize, PartSize, MatType.CV_32FC1, grey);
        using var shading = new Mat();
        defective.ConvertTo(shading, MatType.CV_8UC1);
        var image = new Mat();
        Cv2.Merge([shading, shading, shading], image);
        return new PhotoPart(image, Mask(clean, shading, cover), crop, orientation);
    }

    private static int CropSide(Mat photo) => (int)(CropFraction * Math.Min(photo.Width, photo.Height));

    private static int TrainWidth(Mat photo) => (int)(TrainFraction * photo.Width);

    private static Mat Orient(Mat photo, Rect crop, int orientation)
    {
        using var square = new Mat(photo, crop);
        using var flipped = new Mat();
        if (orientation >= 4)
        {
            Cv2.Flip(square, flipped, FlipMode.Y);
        }
        else
        {
            square.CopyTo(flipped);
        }

        if (orientation % 4 == 0)
        {
            return flipped.Clone();
        }

        var turned = new Mat();
        Cv2.Rotate(flipped, turned, (RotateFlags)((orientation % 4) - 1)); // 90° clockwise, 180°, 90° anticlockwise
        return turned;
    }

    /// <summary>
    /// A hand-drawn mask's extent: where the defect covers at least half a pixel, and wherever it visibly
    /// changed the part (a soft stain's rim, a scratch's anti-aliased edge on a bright stone).
    /// </summary>
    private static Mat Mask(float[] clean, Mat shading, Mat cover)
    {
        shading.GetArray(out byte[] shown);
        cover.GetArray(out byte[] coverage);
        var mask = new byte[shown.Length];
        for (int i = 0; i < mask.Length; i++)
        {
            bool changed = Math.Abs(shown[i] - Math.Clamp(Math.Round(clean[i]), 0, 255)) >= VisibleChange;
            mask[i] = coverage[i] >= 128 || (coverage[i] > 0 && changed) ? (byte)255 : (byte)0;
        }

        using var pinned = Mat.FromPixelData(PartSize, PartSize, MatType.CV_8UC1, mask);
        return pinned.Clone();
    }
}
