using EdgeInspector.Inference;

namespace EdgeInspector.Enrollment;

/// <summary>
/// Per-pixel statistics of the good parts' distance maps, written into a PatchCore model's
/// <c>position_gain</c> and <c>position_bias</c> initializers. A patch at the border or in a corner
/// has only its own few positions' patches in the bank to match (the convolutions there also see
/// padding), so on every good part it reads farther from the bank than a centre patch, and the
/// part's maximum, its score, sits in a corner; a thin defect in the middle then scores below a
/// good part's corner. Mapping each pixel's good distribution onto the image-wide one
/// (<c>d' = m + s (d - mu_p) / (sd_p + 0.1 s)</c>) removes that, as the per-position statistics of
/// PaDiM do. Maps come from the leave-half-out folds, so no part is measured against its own patches.
/// </summary>
public sealed class PositionCalibration
{
    public const string GainName = "position_gain";
    public const string BiasName = "position_bias";
    public const string DistanceScaleName = "distance_scale";

    /// <summary>Fewest good parts whose per-pixel spread means anything (each pixel's std is estimated from them).</summary>
    public const int MinParts = 10;

    // The floor keeps a position where all good parts agree from amplifying tiny differences.
    private const double StdFloor = 0.1;

    private readonly int _pixels;
    private readonly float _distanceScale;
    private readonly float[]?[] _distances;

    /// <param name="parts">good parts whose maps will be added</param>
    /// <param name="pixels">map size (model input height × width)</param>
    /// <param name="distanceScale">the model's <c>distance_scale</c>: map a = d / (d + scale)</param>
    public PositionCalibration(int parts, int pixels, float distanceScale)
    {
        if (parts < 2 || pixels < 1 || !(distanceScale > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(parts), "position statistics need at least two parts, a map and a positive distance scale");
        }

        _pixels = pixels;
        _distanceScale = distanceScale;
        _distances = new float[]?[parts];
    }

    /// <summary>Whether <paramref name="model"/> (ONNX bytes) carries the per-position initializers.</summary>
    public static bool Supports(byte[] model) => OnnxInitializers.Contains(model, GainName) && OnnxInitializers.Contains(model, BiasName);

    /// <summary>Gain 1 and bias 0 for every pixel: no per-position correction.</summary>
    public static (float[] Gain, float[] Bias) Identity(int pixels) => (Filled(pixels, 1f), new float[pixels]);

    /// <summary>The two initializers, shaped [1,1,H,W] as the graph uses them against its H×W map.</summary>
    public static IEnumerable<(string Name, FloatTensor Value)> Initializers((float[] Gain, float[] Bias) values, int width, int height)
    {
        long[] dims = [1, 1, height, width];
        yield return (GainName, new FloatTensor(dims, values.Gain));
        yield return (BiasName, new FloatTensor(dims, values.Bias));
    }

    /// <summary><paramref name="model"/> with identity gain and bias: what the folds are scored with, so their maps are raw distances.</summary>
    public static byte[] WithIdentity(byte[] model, int width, int height)
    {
        foreach (var (name, value) in Initializers(Identity(width * height), width, height))
        {
            model = OnnxInitializers.Replace(model, name, value);
        }

        return model;
    }

    /// <summary>The model's <c>distance_scale</c>.</summary>
    public static float DistanceScale(byte[] model) => OnnxInitializers.Read(model, DistanceScaleName).Data[0];

    /// <summary>Adds part <paramref name="index"/>'s anomaly map (scored with identity gain and bias).</summary>
    public void Add(int index, ReadOnlySpan<float> map)
    {
        if (map.Length != _pixels)
        {
            throw new ArgumentException($"map has {map.Length} values, expected {_pixels}", nameof(map));
        }

        var d = new float[_pixels];
        for (int i = 0; i < d.Length; i++)
        {
            // a = d / (d + s) inverted; a < 1 always (the graph squashes a finite distance).
            float a = Math.Clamp(map[i], 0f, 0.999999f);
            d[i] = _distanceScale * a / (1 - a);
        }

        _distances[index] = d;
    }

    /// <summary>Gain and bias per pixel from all parts added.</summary>
    public (float[] Gain, float[] Bias) Solve()
    {
        var (sum, sumSq) = Totals();
        return Solve(sum, sumSq, _distances.Length, without: null);
    }

    /// <summary>
    /// Each part's score and map maximum as the enrolled model would give them, with statistics that
    /// leave that part out (so thresholds are not set by parts that shaped their own normalisation).
    /// </summary>
    public (float[] Scores, float MaxMap) HeldOutScores()
    {
        var (sum, sumSq) = Totals();
        var scores = new float[_distances.Length];
        float maxMap = 0;
        for (int p = 0; p < scores.Length; p++)
        {
            float[] d = Part(p);
            var (gain, bias) = Solve(sum, sumSq, _distances.Length - 1, without: d);
            float max = 0;
            for (int i = 0; i < d.Length; i++)
            {
                float v = Math.Max(0f, (d[i] * gain[i]) + bias[i]);
                max = Math.Max(max, v / (v + _distanceScale));
            }

            scores[p] = max;
            maxMap = Math.Max(maxMap, max);
        }

        return (scores, maxMap);
    }

    private (double[] Sum, double[] SumSq) Totals()
    {
        var sum = new double[_pixels];
        var sumSq = new double[_pixels];
        for (int p = 0; p < _distances.Length; p++)
        {
            float[] d = Part(p);
            for (int i = 0; i < d.Length; i++)
            {
                sum[i] += d[i];
                sumSq[i] += (double)d[i] * d[i];
            }
        }

        return (sum, sumSq);
    }

    /// <summary>Gain and bias from the totals of <paramref name="n"/> parts, less the part <paramref name="without"/> when given.</summary>
    private (float[] Gain, float[] Bias) Solve(double[] sum, double[] sumSq, int n, float[]? without)
    {
        var mean = new double[_pixels];
        var std = new double[_pixels];
        double meanOfMeans = 0;
        double meanOfStds = 0;
        for (int i = 0; i < _pixels; i++)
        {
            double own = without is null ? 0 : without[i];
            mean[i] = (sum[i] - own) / n;
            std[i] = Math.Sqrt(Math.Max(0, ((sumSq[i] - (own * own)) / n) - (mean[i] * mean[i])));
            meanOfMeans += mean[i];
            meanOfStds += std[i];
        }

        meanOfMeans /= _pixels;
        meanOfStds /= _pixels;
        var gain = new float[_pixels];
        var bias = new float[_pixels];
        for (int i = 0; i < _pixels; i++)
        {
            double g = meanOfStds / (std[i] + (StdFloor * meanOfStds) + 1e-12);
            gain[i] = (float)g;
            bias[i] = (float)(meanOfMeans - (mean[i] * g));
        }

        return (gain, bias);
    }

    private float[] Part(int index) => _distances[index] ?? throw new InvalidOperationException($"part {index}'s map was not added");

    private static float[] Filled(int length, float value)
    {
        var values = new float[length];
        Array.Fill(values, value);
        return values;
    }
}
