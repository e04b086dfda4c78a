using EdgeInspector.Core;

namespace EdgeInspector.Imaging;

/// <summary>
/// Small defects on big frames: the region of interest cut into <see cref="Columns"/> x
/// <see cref="Rows"/> equal tiles, each reduced to the model's input size, so a thin scratch
/// keeps <c>Columns</c> (<c>Rows</c>) times more of its contrast than in one whole-frame input.
/// The tiles go to the model as one batch (<c>[N,H,W,3]</c>, row by row); their maps are stitched
/// back into one map over the region, whose defect regions land in full-resolution pixels and
/// name their tile. 1 x 1 is the untiled input.
/// </summary>
public sealed class FrameTiling
{
    private readonly AreaDownscaler _area = new();
    private readonly string[] _names;
    private FrameRegion[] _tiles = [];
    private FrameRegion _tiledRoi;
    private bool _tiledBayer;

    public FrameTiling(int columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        Columns = columns;
        Rows = rows;
        _names = [.. Enumerable.Range(0, columns * rows).Select(t => $"r{t / columns}c{t % columns}")];
    }

    public int Columns { get; }

    public int Rows { get; }

    public int Count => Columns * Rows;

    /// <summary>"2x2" style, as configuration and the benchmark name a tiling.</summary>
    public static FrameTiling Parse(string value)
    {
        var parts = value.Split('x', 'X');
        return parts.Length == 2 && int.TryParse(parts[0], System.Globalization.CultureInfo.InvariantCulture, out int c) && int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int r) && c >= 1 && r >= 1
            ? new FrameTiling(c, r)
            : throw new ArgumentException($"A tiling is COLUMNSxROWS (e.g. 2x2), not '{value}'.", nameof(value));
    }

    public override string ToString() => $"{Columns}x{Rows}";

    /// <summary>What a verdict's region calls tile <paramref name="tile"/> (row-major): "r0c1" is row 0, column 1.</summary>
    public string NameOf(int tile) => _names[tile];

    /// <summary>
    /// The tiles of <paramref name="roi"/> (already clipped to the frame), row by row, equal in
    /// size; for a Bayer frame every corner is even, so each tile keeps the mosaic's phase.
    /// Computed once per region; the returned array is reused.
    /// </summary>
    public IReadOnlyList<FrameRegion> Tiles(FrameRegion roi, bool bayer)
    {
        if (roi == _tiledRoi && bayer == _tiledBayer && _tiles.Length == Count)
        {
            return _tiles;
        }

        int align = bayer ? 2 : 1;
        int w = roi.Width / Columns / align * align;
        int h = roi.Height / Rows / align * align;
        if (w < align || h < align)
        {
            throw new ArgumentOutOfRangeException(nameof(roi), $"A {roi.Width}x{roi.Height} region cannot be cut into {this} tiles.");
        }

        var tiles = new FrameRegion[Count];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Columns; c++)
            {
                tiles[(r * Columns) + c] = new FrameRegion(roi.X + (c * w), roi.Y + (r * h), w, h);
            }
        }

        _tiles = tiles;
        _tiledRoi = roi;
        _tiledBayer = bayer;
        return _tiles;
    }

    /// <summary>
    /// Writes every tile of <paramref name="region"/> as a <paramref name="width"/> x <paramref name="height"/>
    /// RGB image into <paramref name="batch"/> (tile after tile: the model's [N,H,W,3] input);
    /// returns the part of the frame the tiles cover.
    /// </summary>
    public FrameRegion Write(Frame frame, FrameRegion region, int width, int height, Span<byte> batch)
    {
        bool bayer = frame.Format == PixelFormat.BayerRG8;
        var roi = region.Within(frame.Width, frame.Height, even: bayer);
        int size = width * height * 3;
        ArgumentOutOfRangeException.ThrowIfLessThan(batch.Length, size * Count, nameof(batch));
        var tiles = Tiles(roi, bayer);
        if (!AreaDownscaler.Shrinks(frame.Format, tiles[0], width, height))
        {
            throw new ArgumentOutOfRangeException(nameof(region), $"{this} tiles of a {roi.Width}x{roi.Height} region are {tiles[0].Width}x{tiles[0].Height} pixels, too small to reduce to the model's {width}x{height} input{(bayer ? " after 2x2 Bayer binning" : "")}. Choose fewer tiles (Agent:Tiling) or a larger region.");
        }

        for (int i = 0; i < tiles.Count; i++)
        {
            _area.Reduce(frame, tiles[i], width, height, batch.Slice(i * size, size));
        }

        var first = tiles[0];
        var last = tiles[^1];
        return new FrameRegion(first.X, first.Y, last.X + last.Width - first.X, last.Y + last.Height - first.Y);
    }

    /// <summary>
    /// Lays the tiles' maps or images (each <paramref name="width"/> x <paramref name="height"/> of
    /// <paramref name="channels"/> values, in tile order) side by side into one over the tiled region.
    /// </summary>
    public void Stitch<T>(ReadOnlySpan<T> tiles, int width, int height, Span<T> stitched, int channels = 1)
    {
        int row = width * channels;
        int stitchedRow = row * Columns;
        ArgumentOutOfRangeException.ThrowIfLessThan(tiles.Length, row * height * Count, nameof(tiles));
        ArgumentOutOfRangeException.ThrowIfLessThan(stitched.Length, stitchedRow * height * Rows, nameof(stitched));
        for (int t = 0; t < Count; t++)
        {
            int x0 = t % Columns * row;
            int y0 = t / Columns * height;
            var tile = tiles.Slice(t * row * height, row * height);
            for (int y = 0; y < height; y++)
            {
                tile.Slice(y * row, row).CopyTo(stitched.Slice(((y0 + y) * stitchedRow) + x0, row));
            }
        }
    }

    /// <summary>The tile (row-major index) a defect region's centre lies in, for a tiling over <paramref name="covered"/>.</summary>
    public int TileOf(DefectRegion region, FrameRegion covered)
    {
        int column = Math.Clamp((int)((region.X + (region.W / 2.0) - covered.X) * Columns / covered.Width), 0, Columns - 1);
        int row = Math.Clamp((int)((region.Y + (region.H / 2.0) - covered.Y) * Rows / covered.Height), 0, Rows - 1);
        return (row * Columns) + column;
    }
}
