using System.Text.Json.Nodes;
using EdgeInspector.Enrollment;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>
/// A new memory bank changes every score, so enroll re-derives golden/expected.json from the
/// enrolled package and requires the known-good golden parts to stay below its new threshold.
/// </summary>
public sealed class EnrollmentGoldenTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Good => _temp.Combine("good");

    private string Out => _temp.Combine("enrolled");

    /// <summary>demo-clip plus golden/: a good part and the strongest of four defects, at demo-clip's scores.</summary>
    private (string Package, double GoodScore) PackageWithGolden(string? belowThreshold)
    {
        string package = _temp.Combine("source");
        Directory.CreateDirectory(Path.Combine(package, GoldenImages.Folder));
        foreach (string file in Directory.GetFiles(RepoPaths.DemoClipPackage))
        {
            File.Copy(file, Path.Combine(package, Path.GetFileName(file)));
        }

        string good = DemoImages.Write(_temp.Combine("golden-good"), 1, 21, 0, mvtec: false)[0].Path;
        var defects = DemoImages.Write(_temp.Combine("golden-bad"), 4, 22, 1, mvtec: false);
        using var serving = new ServingPath(RepoPaths.DemoClipPackage);
        string bad = defects.MaxBy(d => serving.Score(d.Path)).Path;
        File.Copy(good, Path.Combine(package, "golden", "good.png"));
        File.Copy(bad, Path.Combine(package, "golden", "bad.png"));
        double goodScore = serving.Score(good);
        var expected = new JsonObject { ["tolerance"] = 0.02, ["images"] = new JsonObject { ["good.png"] = goodScore, ["bad.png"] = serving.Score(bad) } };
        if (belowThreshold is not null)
        {
            expected["below_threshold"] = new JsonArray(belowThreshold);
        }

        File.WriteAllText(Path.Combine(package, GoldenImages.ExpectedPath), expected.ToJsonString());
        var manifest = PackageFiles.ReadManifest(package);
        var names = ((JsonObject)manifest["files"]!).Select(f => f.Key).Concat(["golden/good.png", "golden/bad.png", GoldenImages.ExpectedPath]).ToList();
        manifest["files"] = PackageFiles.DescribeFiles(package, names);
        PackageFiles.WriteManifest(package, manifest);
        DemoImages.Write(Good, 20, 7, 0, mvtec: false);
        return (package, goodScore);
    }

    [Fact]
    public void Enroll_rederives_the_golden_scores_for_the_new_bank_and_keeps_the_good_part_below_its_threshold()
    {
        var (package, sourceGoodScore) = PackageWithGolden(belowThreshold: null);

        var r = Enrollment.Run(package, Good, Out, maxBank: 512);

        Assert.Equal(2, r.GoldenImages);
        var golden = GoldenImages.Read(Out)!;
        Assert.Equal(["good.png"], golden.BelowThreshold); // good = below demo-clip's threshold
        using var serving = new ServingPath(Out); // verifies the rewritten expected.json's hash
        foreach (var (name, expected) in golden.Expected)
        {
            Assert.Equal(expected, serving.Score(Path.Combine(Out, GoldenImages.Folder, name)), 5);
        }

        Assert.NotEqual(sourceGoodScore, golden.Expected["good.png"]);
        Assert.True(golden.Expected["good.png"] < r.Decision.ImageThreshold);
        Assert.True(golden.Expected["bad.png"] >= r.Decision.ImageThreshold);
    }

    [Fact]
    public void Enroll_fails_when_the_new_bank_would_judge_a_known_good_golden_part_NG()
    {
        var (package, _) = PackageWithGolden(belowThreshold: "bad.png");

        var e = Assert.Throws<CliException>(() => Enrollment.Run(package, Good, Out, maxBank: 512));

        Assert.Contains("golden good image 'bad.png' scores", e.Message, StringComparison.Ordinal);
        Assert.Contains("enroll again with more, and more varied, good parts", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
        Assert.False(Directory.Exists(Out + ".enroll.tmp"));
    }

    public void Dispose() => _temp.Dispose();
}
