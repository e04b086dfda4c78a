namespace EdgeInspector.Imaging;

/// <summary>
/// A rectangle of a frame in its own (full-resolution) pixels: the host-side region of interest,
/// or one tile of it. <see cref="Empty"/> means the whole frame.
/// </summary>
public readonly record struct FrameRegion(int X, int Y, int Width, int Height)
{
    public static FrameRegion Empty => default;

    public bool IsEmpty => Width == 0 || Height == 0;

    /// <summary>
    /// This region clipped to a <paramref name="frameWidth"/> x <paramref name="frameHeight"/> frame (the
    /// whole frame when empty); with <paramref name="even"/> its corners snap inwards to even pixels, so a
    /// Bayer mosaic keeps its phase (R at the region's top-left) and whole 2x2 cells.
    /// </summary>
    public FrameRegion Within(int frameWidth, int frameHeight, bool even = false)
    {
        if (IsEmpty)
        {
            return even ? new FrameRegion(0, 0, frameWidth & ~1, frameHeight & ~1) : new FrameRegion(0, 0, frameWidth, frameHeight);
        }

        int x0 = Math.Clamp(X, 0, frameWidth);
        int y0 = Math.Clamp(Y, 0, frameHeight);
        int x1 = Math.Clamp(X + Width, x0, frameWidth);
        int y1 = Math.Clamp(Y + Height, y0, frameHeight);
        if (even)
        {
            x0 = (x0 + 1) & ~1;
            y0 = (y0 + 1) & ~1;
            x1 = Math.Max(x0, x1 & ~1);
            y1 = Math.Max(y0, y1 & ~1);
        }

        if (x1 - x0 == 0 || y1 - y0 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(frameWidth), $"Region {X},{Y} {Width}x{Height} lies outside the {frameWidth}x{frameHeight} frame.");
        }

        return new FrameRegion(x0, y0, x1 - x0, y1 - y0);
    }
}
