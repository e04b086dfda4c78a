using System.Globalization;
using EdgeInspector.Enrollment;
using EdgeInspector.Inference;
using EdgeInspector.Updates;

namespace EdgeInspector.Agent;

/// <summary>
/// Before a new package may serve, it scores the images in its golden/ folder through the
/// agent's own preprocessing and must land within the tolerance of golden/expected.json (raw
/// scores); the images listed in <c>below_threshold</c> (known-good parts) must also stay below
/// the package's image threshold (see <see cref="GoldenImages"/>).
/// </summary>
public static class GoldenSelfTest
{
    /// <summary>Returns how many golden images passed (0 when the package has no golden/); throws <see cref="UpdateException"/> on a miss.</summary>
    public static int Run(ModelRunner runner)
    {
        GoldenImages? golden;
        IReadOnlyList<(string Name, double Score)> scores;
        try
        {
            golden = GoldenImages.Read(runner.Package.Directory);
            if (golden is null)
            {
                return 0;
            }

            scores = golden.Score(runner);
        }
        catch (InvalidDataException e)
        {
            throw new UpdateException($"self-test: {e.Message}", e);
        }

        double threshold = runner.Package.Manifest.Decision.ImageThreshold;
        foreach (var (name, got) in scores)
        {
            double want = golden.Expected[name];
            if (Math.Abs(got - want) > golden.Tolerance)
            {
                throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"self-test failed: golden image '{name}' scored {got:F4}, expected {want:F4} ± {golden.Tolerance}"));
            }

            if (golden.BelowThreshold.Contains(name) && got >= threshold)
            {
                throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"self-test failed: golden good image '{name}' scored {got:F4}, not below the package's image threshold {threshold:F4}"));
            }
        }

        return scores.Count;
    }
}
