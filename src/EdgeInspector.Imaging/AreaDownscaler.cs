using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.InteropServices;
using EdgeInspector.Core;

namespace EdgeInspector.Imaging;

/// <summary>
/// Reduces a region of a frame straight to a small RGB image by area averaging (what OpenCV's
/// <c>INTER_AREA</c> computes when it shrinks), in one pass over the region's raw bytes: no
/// full-resolution RGB image, no intermediate image at all. A BayerRG8 mosaic is demosaiced by
/// 2x2 binning on the way (each RGGB cell is one half-resolution RGB pixel: R, the mean of both Gs,
/// B), so a Bayer frame reads exactly as the area reduction of its half-size binned image.
/// </summary>
/// <remarks>
/// Separable and cost-bound by the pixels read, whatever the scale factor: each source row is added
/// once (twice where it straddles two output rows) into a row accumulator, weighted by the share
/// of it that falls into the output row; each output row then sums its accumulator over the
/// columns of each output pixel, the two edge columns weighted by their share. Tables and
/// accumulators are built once per geometry, so repeated calls allocate nothing.
/// Long on purpose: one pass per pixel format (Bayer binning, RGB, BGR, mono) over raw rows, each written out so the hot loop has no per-pixel branch.
/// </remarks>
public sealed class AreaDownscaler
{
    private const int WeightOne = 256;

    private Geometry _geometry;
    private int[] _rowStart = [];
    private int[] _rowCount = [];
    private int[] _rowWeights = [];
    private int[] _colStart = [];
    private int[] _colCount = [];
    private float[] _colFirst = [];
    private float[] _colLast = [];
    private int[] _even = [];
    private int[] _odd = [];
    private readonly BandWork? _band;

    /// <summary>
    /// <paramref name="bands"/> 2 splits a frame's output rows in two: the lower half reduced on a
    /// thread-pool thread while the caller reduces the upper, so one frame costs each core about
    /// half (for a camera faster than one core can reduce; the Orin Nano has six A78AE cores).
    /// </summary>
    public AreaDownscaler(int bands = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bands, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bands, 2);
        _band = bands == 2 ? new BandWork(this) : null;
    }

    /// <summary>1, or 2 when the rows are reduced in two bands at once.</summary>
    public int Bands => _band is null ? 1 : 2;

    /// <summary>True when <paramref name="region"/> of a frame in <paramref name="format"/> shrinks (or keeps its size) to <paramref name="width"/> x <paramref name="height"/>.</summary>
    public static bool Shrinks(PixelFormat format, FrameRegion region, int width, int height)
    {
        int bin = format == PixelFormat.BayerRG8 ? 2 : 1;
        return region.Width / bin >= width && region.Height / bin >= height;
    }

    /// <summary>
    /// Writes the area average of <paramref name="region"/> (frame pixels; empty = the whole frame;
    /// snapped to even corners for Bayer) as <paramref name="width"/> x <paramref name="height"/>
    /// interleaved RGB into <paramref name="destination"/>.
    /// </summary>
    public void Reduce(Frame frame, FrameRegion region, int width, int height, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, width * height * 3, nameof(destination));
        bool bayer = frame.Format == PixelFormat.BayerRG8;
        var roi = region.Within(frame.Width, frame.Height, even: bayer);
        if (!Shrinks(frame.Format, roi, width, height))
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Area reduction only shrinks: {roi.Width}x{roi.Height} {frame.Format} cannot become {width}x{height}.");
        }

        Prepare(new Geometry(frame.Format, roi, width, height));
        if (_band is null || height < 2)
        {
            ReduceRows(frame, roi, 0, height, destination, _even, _odd);
            return;
        }

        // The lower half on a pool thread into its own buffer (a span cannot cross threads), the
        // upper half here; then the lower half is copied in (model-size bytes, not frame bytes).
        int split = height / 2;
        _band.Start(frame, roi, split, height);
        ReduceRows(frame, roi, 0, split, destination, _even, _odd);
        _band.Join(destination[(split * width * 3)..(height * width * 3)]);
    }

    /// <summary>Output rows [<paramref name="from"/>, <paramref name="to"/>) into <paramref name="destination"/> (row <paramref name="from"/> first), with these accumulators.</summary>
    private void ReduceRows(Frame frame, FrameRegion roi, int from, int to, Span<byte> destination, int[] evenRows, int[] oddRows)
    {
        bool bayer = frame.Format == PixelFormat.BayerRG8;
        int width = _geometry.Width;
        ReadOnlySpan<byte> pixels = frame.Pixels;
        int bpp = frame.Format.BytesPerPixel();
        int rowBytes = roi.Width * bpp;
        for (int i = from; i < to; i++)
        {
            evenRows.AsSpan(0, rowBytes).Clear();
            if (bayer)
            {
                oddRows.AsSpan(0, rowBytes).Clear();
            }

            // The first and last source rows carry their share; the rows between count whole.
            int count = _rowCount[i];
            int first = _rowStart[i];
            int weightSum = _rowWeights[2 * i] + (count > 1 ? _rowWeights[(2 * i) + 1] + ((count - 2) * WeightOne) : 0);
            int step = bayer ? 2 * frame.Stride : frame.Stride;
            int origin = (roi.Y * frame.Stride) + (roi.X * bpp) + (first * step);
            AddRow(pixels.Slice(origin, rowBytes), evenRows, _rowWeights[2 * i]);
            if (count > 1)
            {
                AddRow(pixels.Slice(origin + ((count - 1) * step), rowBytes), evenRows, _rowWeights[(2 * i) + 1]);
                AddWholeRows(pixels, origin + step, step, count - 2, rowBytes, evenRows);
            }

            if (bayer)
            {
                origin += frame.Stride;
                AddRow(pixels.Slice(origin, rowBytes), oddRows, _rowWeights[2 * i]);
                if (count > 1)
                {
                    AddRow(pixels.Slice(origin + ((count - 1) * step), rowBytes), oddRows, _rowWeights[(2 * i) + 1]);
                    AddWholeRows(pixels, origin + step, step, count - 2, rowBytes, oddRows);
                }
            }

            var line = destination.Slice((i - from) * width * 3, width * 3);
            float scale = 1f / (weightSum * _geometry.ColumnScale);
            switch (frame.Format)
            {
                case PixelFormat.BayerRG8:
                    ReduceBayerLine(line, scale, evenRows, oddRows);
                    break;
                case PixelFormat.Rgb8:
                    ReduceColourLine(line, scale, evenRows, swap: false);
                    break;
                case PixelFormat.Bgr8:
                    ReduceColourLine(line, scale, evenRows, swap: true);
                    break;
                case PixelFormat.Mono8:
                    ReduceMonoLine(line, scale, evenRows);
                    break;
                default:
                    throw new NotSupportedException($"Pixel format {frame.Format} is not supported.");
            }
        }
    }

    /// <summary>accumulator[k] += row[k] * weight, a SIMD vector at a time (128-bit NEON on the Jetson, 256-bit AVX2 here).</summary>
    private static void AddRow(ReadOnlySpan<byte> row, int[] accumulator, int weight)
    {
        int n = row.Length;
        int k = 0;
        var acc = accumulator.AsSpan(0, n);
        if (Vector.IsHardwareAccelerated)
        {
            var w = new Vector<int>(weight);
            int step = Vector<byte>.Count;
            var accVectors = MemoryMarshal.Cast<int, Vector<int>>(acc);
            int ints = Vector<int>.Count;
            for (; k + step <= n; k += step)
            {
                var bytes = new Vector<byte>(row.Slice(k, step));
                Vector.Widen(bytes, out var lo, out var hi);
                Vector.Widen(lo, out var a, out var b);
                Vector.Widen(hi, out var c, out var d);
                int v = k / ints;
                accVectors[v] += Vector.AsVectorInt32(a) * w;
                accVectors[v + 1] += Vector.AsVectorInt32(b) * w;
                accVectors[v + 2] += Vector.AsVectorInt32(c) * w;
                accVectors[v + 3] += Vector.AsVectorInt32(d) * w;
            }
        }

        for (; k < n; k++)
        {
            acc[k] += row[k] * weight;
        }
    }

    /// <summary>
    /// accumulator[k] += 256 * (sum of <paramref name="rows"/> rows from <paramref name="offset"/>, <paramref name="step"/> apart):
    /// the rows are summed in 16-bit lanes first (up to 257 rows of 255 fit), so the 32-bit
    /// accumulator is touched once per output row, not once per source row.
    /// </summary>
    private static void AddWholeRows(ReadOnlySpan<byte> pixels, int offset, int step, int rows, int length, int[] accumulator)
    {
        const int MaxRows = 256;
        for (; rows > MaxRows; rows -= MaxRows, offset += MaxRows * step)
        {
            AddWholeRows(pixels, offset, step, MaxRows, length, accumulator);
        }

        if (rows <= 0)
        {
            return;
        }

        var acc = accumulator.AsSpan(0, length);
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<byte>.Count;
            int ints = Vector<int>.Count;
            var accVectors = MemoryMarshal.Cast<int, Vector<int>>(acc);
            for (; k + width <= length; k += width)
            {
                var lo = Vector<ushort>.Zero;
                var hi = Vector<ushort>.Zero;
                for (int n = 0, at = offset + k; n < rows; n++, at += step)
                {
                    Vector.Widen(new Vector<byte>(pixels.Slice(at, width)), out var l, out var h);
                    lo += l;
                    hi += h;
                }

                Vector.Widen(lo, out var a, out var b);
                Vector.Widen(hi, out var c, out var d);
                int v = k / ints;
                accVectors[v] += Vector.ShiftLeft(Vector.AsVectorInt32(a), 8);
                accVectors[v + 1] += Vector.ShiftLeft(Vector.AsVectorInt32(b), 8);
                accVectors[v + 2] += Vector.ShiftLeft(Vector.AsVectorInt32(c), 8);
                accVectors[v + 3] += Vector.ShiftLeft(Vector.AsVectorInt32(d), 8);
            }
        }

        for (; k < length; k++)
        {
            int sum = 0;
            for (int n = 0, at = offset + k; n < rows; n++, at += step)
            {
                sum += pixels[at];
            }

            acc[k] += sum * WeightOne;
        }
    }

    private unsafe void ReduceBayerLine(Span<byte> line, float scale, int[] evenRows, int[] oddRows)
    {
        // Binned column c is raw columns 2c (R on even rows, G on odd) and 2c+1 (G on even, B on odd):
        // one 128-bit load holds two binned columns' pair, so the inner columns sum two at a time.
        fixed (int* even = evenRows, odd = oddRows)
        {
            for (int j = 0; j < _colStart.Length; j++)
            {
                int c0 = _colStart[j];
                int count = _colCount[j];
                float wf = _colFirst[j];
                float r = even[2 * c0] * wf;
                float ga = even[(2 * c0) + 1] * wf;
                float gb = odd[2 * c0] * wf;
                float b = odd[(2 * c0) + 1] * wf;
                if (count > 1)
                {
                    int c = c0 + 1;
                    int end = c0 + count - 1;
                    var sumEven = Vector128<int>.Zero;
                    var sumOdd = Vector128<int>.Zero;
                    for (; c + 2 <= end; c += 2)
                    {
                        sumEven += Vector128.Load(even + (2 * c));
                        sumOdd += Vector128.Load(odd + (2 * c));
                    }

                    int ri = sumEven.GetElement(0) + sumEven.GetElement(2);
                    int gai = sumEven.GetElement(1) + sumEven.GetElement(3);
                    int gbi = sumOdd.GetElement(0) + sumOdd.GetElement(2);
                    int bi = sumOdd.GetElement(1) + sumOdd.GetElement(3);
                    for (; c < end; c++)
                    {
                        ri += even[2 * c];
                        gai += even[(2 * c) + 1];
                        gbi += odd[2 * c];
                        bi += odd[(2 * c) + 1];
                    }

                    float wl = _colLast[j];
                    r += ri + (even[2 * end] * wl);
                    ga += gai + (even[(2 * end) + 1] * wl);
                    gb += gbi + (odd[2 * end] * wl);
                    b += bi + (odd[(2 * end) + 1] * wl);
                }

                line[3 * j] = ToByte(r * scale);
                line[(3 * j) + 1] = ToByte((ga + gb) * 0.5f * scale);
                line[(3 * j) + 2] = ToByte(b * scale);
            }
        }
    }

    private void ReduceColourLine(Span<byte> line, float scale, int[] evenRows, bool swap)
    {
        int first = swap ? 2 : 0;
        int third = swap ? 0 : 2;
        for (int j = 0; j < _colStart.Length; j++)
        {
            int c0 = _colStart[j];
            int count = _colCount[j];
            float x = evenRows[3 * c0] * _colFirst[j];
            float y = evenRows[(3 * c0) + 1] * _colFirst[j];
            float z = evenRows[(3 * c0) + 2] * _colFirst[j];
            if (count > 1)
            {
                int xi = 0, yi = 0, zi = 0;
                for (int c = c0 + 1; c < c0 + count - 1; c++)
                {
                    xi += evenRows[3 * c];
                    yi += evenRows[(3 * c) + 1];
                    zi += evenRows[(3 * c) + 2];
                }

                int last = c0 + count - 1;
                float wl = _colLast[j];
                x += xi + (evenRows[3 * last] * wl);
                y += yi + (evenRows[(3 * last) + 1] * wl);
                z += zi + (evenRows[(3 * last) + 2] * wl);
            }

            line[(3 * j) + first] = ToByte(x * scale);
            line[(3 * j) + 1] = ToByte(y * scale);
            line[(3 * j) + third] = ToByte(z * scale);
        }
    }

    private void ReduceMonoLine(Span<byte> line, float scale, int[] evenRows)
    {
        for (int j = 0; j < _colStart.Length; j++)
        {
            int c0 = _colStart[j];
            int count = _colCount[j];
            float v = evenRows[c0] * _colFirst[j];
            if (count > 1)
            {
                int vi = 0;
                for (int c = c0 + 1; c < c0 + count - 1; c++)
                {
                    vi += evenRows[c];
                }

                v += vi + (evenRows[c0 + count - 1] * _colLast[j]);
            }

            byte g = ToByte(v * scale);
            line[3 * j] = g;
            line[(3 * j) + 1] = g;
            line[(3 * j) + 2] = g;
        }
    }

    private static byte ToByte(float value) => (byte)Math.Clamp((int)(value + 0.5f), 0, 255);

    private void Prepare(Geometry geometry)
    {
        if (geometry == _geometry)
        {
            return;
        }

        int bin = geometry.Format == PixelFormat.BayerRG8 ? 2 : 1;
        int binnedWidth = geometry.Region.Width / bin;
        int binnedHeight = geometry.Region.Height / bin;

        // Rows: each output row's first source row, count, and the weights of its first and last
        // rows in 1/256ths (inner rows weigh 256; the normalisation uses the same rounded weights).
        _rowStart = new int[geometry.Height];
        _rowCount = new int[geometry.Height];
        _rowWeights = new int[geometry.Height * 2];
        double sy = (double)binnedHeight / geometry.Height;
        for (int i = 0; i < geometry.Height; i++)
        {
            var (start, count, first, last) = Span(i, sy, binnedHeight);
            _rowStart[i] = start;
            _rowCount[i] = count;
            _rowWeights[2 * i] = (int)Math.Round(first * WeightOne);
            _rowWeights[(2 * i) + 1] = (int)Math.Round(last * WeightOne);
        }

        _colStart = new int[geometry.Width];
        _colCount = new int[geometry.Width];
        _colFirst = new float[geometry.Width];
        _colLast = new float[geometry.Width];
        double sx = (double)binnedWidth / geometry.Width;
        for (int j = 0; j < geometry.Width; j++)
        {
            var (start, count, first, last) = Span(j, sx, binnedWidth);
            _colStart[j] = start;
            _colCount[j] = count;
            _colFirst[j] = (float)first;
            _colLast[j] = (float)last;
        }

        int accumulator = geometry.Region.Width * geometry.Format.BytesPerPixel();
        _even = new int[accumulator];
        _odd = geometry.Format == PixelFormat.BayerRG8 ? new int[accumulator] : [];
        _geometry = geometry with { ColumnScale = (float)sx };
        _band?.Prepare(accumulator, geometry.Format == PixelFormat.BayerRG8, geometry.Width * (geometry.Height - (geometry.Height / 2)) * 3);
    }

    /// <summary>Source cells [start, start+count) under output cell <paramref name="index"/> at scale <paramref name="scale"/>, with the first and last cell's share.</summary>
    private static (int Start, int Count, double First, double Last) Span(int index, double scale, int limit)
    {
        const double Epsilon = 1e-9;
        double from = index * scale;
        double to = Math.Min((index + 1) * scale, limit);
        int start = (int)Math.Floor(from + Epsilon);
        int end = Math.Min(limit, (int)Math.Ceiling(to - Epsilon));
        int count = Math.Max(1, end - start);
        double first = Math.Min(start + 1, to) - from;
        double last = count > 1 ? to - (end - 1) : first;
        return (start, count, first, last);
    }

    private readonly record struct Geometry(PixelFormat Format, FrameRegion Region, int Width, int Height)
    {
        public float ColumnScale { get; init; }

        // The tables depend on the region's size, not its place: tiles of one size share them.
        public bool Equals(Geometry other) => Format == other.Format && Region.Width == other.Region.Width && Region.Height == other.Region.Height && Width == other.Width && Height == other.Height;

        public override int GetHashCode() => HashCode.Combine(Format, Region.Width, Region.Height, Width, Height);
    }

    /// <summary>
    /// The second band's work item: its own accumulators and output rows, queued on the thread pool
    /// without allocating (the item is reused), joined on its monitor.
    /// </summary>
    private sealed class BandWork(AreaDownscaler owner) : IThreadPoolWorkItem
    {
        private readonly object _gate = new();
        private bool _finished = true;
        private int[] _even = [];
        private int[] _odd = [];
        private byte[] _rows = [];
        private Frame? _frame;
        private FrameRegion _roi;
        private int _from;
        private int _to;
        private int _bytes;
        private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _failure;

        public void Prepare(int accumulator, bool bayer, int rowBytes)
        {
            _even = new int[accumulator];
            _odd = bayer ? new int[accumulator] : [];
            _rows = new byte[rowBytes];
        }

        public void Start(Frame frame, FrameRegion roi, int from, int to)
        {
            (_frame, _roi, _from, _to, _bytes, _failure) = (frame, roi, from, to, (to - from) * owner._geometry.Width * 3, null);
            _finished = false;
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }

        public void Join(Span<byte> destination)
        {
            lock (_gate)
            {
                while (!_finished)
                {
                    Monitor.Wait(_gate);
                }
            }

            _frame = null;
            _failure?.Throw();
            _rows.AsSpan(0, _bytes).CopyTo(destination);
        }

        public void Execute()
        {
            try
            {
                owner.ReduceRows(_frame!, _roi, _from, _to, _rows, _even, _odd);
            }
            catch (Exception e)
            {
                // Rethrown on the caller's thread by Join, where the stage reports it.
                _failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
            finally
            {
                lock (_gate)
                {
                    _finished = true;
                    Monitor.Pulse(_gate);
                }
            }
        }
    }
}
