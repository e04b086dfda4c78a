using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;

namespace EdgeInspector.Enrollment;

/// <summary>
/// A package's golden/expected.json: <c>{"tolerance": 0.02, "images": {"good-1.png": 0.12,
/// "scratch-1.png": 0.91}, "below_threshold": ["good-1.png"]}</c>: raw scores each golden image
/// must reproduce, and (optional) the known-good ones that must stay below the package's image threshold.
/// </summary>
public sealed record GoldenImages(double Tolerance, IReadOnlyDictionary<string, double> Expected, IReadOnlyList<string> BelowThreshold)
{
    public const string Folder = "golden";
    public const string ExpectedFile = "expected.json";
    public const string ExpectedPath = Folder + "/" + ExpectedFile;
    public const double DefaultTolerance = 0.02;

    /// <summary>The package's golden expectations, or null when it has none; throws <see cref="InvalidDataException"/> when expected.json is malformed.</summary>
    public static GoldenImages? Read(string packageDirectory)
    {
        string path = Path.Combine(packageDirectory, Folder, ExpectedFile);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var o = JsonNode.Parse(File.ReadAllBytes(path))?.AsObject() ?? throw new InvalidDataException("golden/expected.json is empty");
            var images = o["images"] as JsonObject ?? throw new InvalidDataException("golden/expected.json has no \"images\" object");
            var expected = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (name, value) in images)
            {
                expected[name] = (double?)value ?? throw new InvalidDataException($"expected score of '{name}' is not a number");
            }

            var below = (o["below_threshold"] as JsonArray ?? []).Select(n => (string?)n ?? throw new InvalidDataException("below_threshold holds a non-string")).ToList();
            return new GoldenImages((double?)o["tolerance"] ?? DefaultTolerance, expected, below);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"golden/expected.json is not valid JSON ({e.Message})", e);
        }
    }

    /// <summary>Raw score of every golden image through the agent's preprocessing and <paramref name="runner"/>, in file order.</summary>
    public IReadOnlyList<(string Name, double Score)> Score(ModelRunner runner)
    {
        string folder = Path.GetFullPath(Path.Combine(runner.Package.Directory, Folder));
        using var files = new ImageFileInput();
        byte[] input = new byte[runner.InputLength];
        var scores = new List<(string, double)>(Expected.Count);
        foreach (string name in Expected.Keys)
        {
            string path = Path.GetFullPath(Path.Combine(folder, name));
            if (!path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw new InvalidDataException($"golden image '{name}' lies outside golden/");
            }

            if (!files.TryWrite(path, runner.Package.Manifest.Input, input))
            {
                throw new InvalidDataException($"golden image '{name}' is missing or not an image");
            }

            scores.Add((name, runner.Run(input)));
        }

        return scores;
    }

    public void Write(string packageDirectory)
    {
        var images = new JsonObject();
        foreach (var (name, score) in Expected)
        {
            images[name] = score;
        }

        var o = new JsonObject { ["tolerance"] = Tolerance, ["images"] = images, ["below_threshold"] = new JsonArray([.. BelowThreshold.Select(n => (JsonNode?)n)]) };
        File.WriteAllText(Path.Combine(packageDirectory, Folder, ExpectedFile), o.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
