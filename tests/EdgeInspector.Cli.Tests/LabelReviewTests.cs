using System.Text.Json.Nodes;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

/// <summary>A collection round as collect leaves it, and a person's review of its labels with edge-inspector label.</summary>
public sealed class LabelReviewTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Out => _temp.Combine("data", "COMP", "product");

    /// <summary>A finished round of three parts: OK far from the threshold, NG, and OK near it.</summary>
    private string Round()
    {
        var round = CollectionRound.OpenOrCreate(Out, "demo", "night shift", new DateTimeOffset(2026, 12, 3, 0, 0, 0, TimeSpan.Zero));
        foreach (var (id, verdict, score) in new[] { ("demo-a-1", "OK", 0.1), ("demo-a-2", "NG", 0.9), ("demo-a-3", "OK", 0.48) })
        {
            string image = round.ImagePath(verdict, id + ".png");
            Directory.CreateDirectory(Path.GetDirectoryName(image)!);
            File.WriteAllBytes(image, [1, 2, 3, (byte)id[^1]]);
            File.WriteAllText(Path.ChangeExtension(image, ".json"), new JsonObject
            {
                ["id"] = id,
                ["kind"] = "ng",
                ["image"] = id + ".png",
                ["verdict"] = new JsonObject { ["verdict"] = verdict, ["score"] = score, ["model"] = new JsonObject { ["version"] = 2 } },
            }.ToJsonString());
        }

        Assert.Equal(3, round.Finish());
        return round.Directory;
    }

    private static JsonObject Record(string round, string imageId) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(round, "labels.json")))!["records"]!.AsArray().Single(r => (string)r!["image_id"]! == imageId)!.AsObject();

    [Fact]
    public void A_round_is_named_by_date_next_version_and_description_and_its_labels_are_the_devices_suggestions()
    {
        string round = Round();

        Assert.Equal("20261203_V01_night-shift", Path.GetFileName(round));
        Assert.Equal(
            ["image_id,label,description,score,model_version,suggested", "demo-a-1.png,normal,night shift,0.1,2,true", "demo-a-3.png,normal,night shift,0.48,2,true", "demo-a-2.png,anomaly,night shift,0.9,2,true"],
            File.ReadAllLines(Path.Combine(round, "labels.csv")));
        Assert.True(File.Exists(Path.Combine(round, "test", "ng", "demo-a-2.png")));
        Assert.False(File.Exists(Path.Combine(round, CollectionRound.StateFile)));
        var next = CollectionRound.OpenOrCreate(Out, "demo", "day", DateTimeOffset.UnixEpoch);
        Assert.Equal("19700101_V02_day", Path.GetFileName(next.Directory));
        Assert.Equal(["demo-a-1", "demo-a-2", "demo-a-3"], CollectionRound.Collected(Out).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Label_lists_the_least_certain_first_corrects_one_by_moving_it_and_confirms_the_rest()
    {
        string round = Round();

        var listed = await CliRun.RunAsync("label", "--round", round);
        Assert.Equal(0, listed.Code);
        Assert.StartsWith("demo-a-3.png  normal   score 0.480  test/good/", listed.Out, StringComparison.Ordinal);
        Assert.Contains("3 of 3 labels are suggestions", listed.Out, StringComparison.Ordinal);

        var set = await CliRun.RunAsync("label", "--round", round, "--image", "demo-a-3.png", "--label", "anomaly", "--description", "scratch, left edge");
        Assert.True(set.Code == 0, set.Err);
        Assert.True(File.Exists(Path.Combine(round, "test", "ng", "demo-a-3.png")));
        Assert.True(File.Exists(Path.Combine(round, "test", "ng", "demo-a-3.json")));
        Assert.False(File.Exists(Path.Combine(round, "test", "good", "demo-a-3.png")));
        var corrected = Record(round, "demo-a-3.png");
        Assert.Equal(("anomaly", "scratch, left edge", false), ((string)corrected["label"]!, (string)corrected["description"]!, (bool)corrected["suggested"]!));
        Assert.Contains("demo-a-3.png,anomaly,\"scratch, left edge\",0.48,2,false", File.ReadAllLines(Path.Combine(round, "labels.csv")));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(round, CollectionRound.Manifest)))!["files"]!.AsObject();
        Assert.Contains("test/ng/demo-a-3.png", manifest.Select(f => f.Key));
        Assert.DoesNotContain("test/good/demo-a-3.png", manifest.Select(f => f.Key));

        var confirmed = await CliRun.RunAsync("label", "--round", round, "--confirm-rest");
        Assert.Contains("2 suggested labels confirmed", confirmed.Out, StringComparison.Ordinal);
        Assert.Contains("0 of 3 labels are suggestions", (await CliRun.RunAsync("label", "--round", round)).Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--image", "demo-a-1.png", "--label", "scratch", "--label 'scratch' is not a label; use normal, anomaly or error")]
    [InlineData("--image", "nope.png", "--label", "normal", "no image 'nope.png'")]
    [InlineData("--image", "demo-a-1.png", "--confirm-rest", null, "--image and --label go together")]
    public async Task A_bad_label_request_names_the_problem_and_changes_nothing(string a, string b, string c, string? d, string expected)
    {
        string round = Round();
        string before = File.ReadAllText(Path.Combine(round, "labels.csv"));

        var result = await CliRun.RunAsync(["label", "--round", round, a, b, c, .. d is null ? Array.Empty<string>() : [d]]);

        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(Path.Combine(round, "labels.csv")));
    }

    [TrainerFact]
    public void The_trainer_verifies_a_reviewed_round_and_reads_its_labels()
    {
        string round = Round();
        new LabelReview(round).Set("demo-a-1.png", "anomaly", null);

        PythonTrainer.Run("verify-dataset", "--data", round);
        PythonTrainer.Run("meta", "--data", round);

        var meta = JsonNode.Parse(File.ReadAllText(Path.Combine(round, "meta.json")))!["test"]!.AsObject().Single().Value!.AsArray();
        Assert.Equal(1, meta.Single(m => ((string)m!["img_path"]!).EndsWith("demo-a-1.png", StringComparison.Ordinal))!["anomaly"]!.GetValue<int>());
        Assert.Equal(0, meta.Single(m => ((string)m!["img_path"]!).EndsWith("demo-a-3.png", StringComparison.Ordinal))!["anomaly"]!.GetValue<int>());
    }

    public void Dispose() => _temp.Dispose();
}
