using EdgeInspector.Core;

namespace EdgeInspector.Agent.Tests;

/// <summary>Which parts cmd/enroll takes: scored ones, including those the input guard refused.</summary>
public sealed class EnrollmentPartsTests
{
    private static readonly ModelIdentity Model = new("patchcore-resnet18", 2, "ab");

    private static Verdict VerdictOf(VerdictKind kind, string? error = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        Seq = 1,
        Device = "demo",
        Ts = DateTimeOffset.UnixEpoch,
        Kind = kind,
        Score = 0,
        RawScore = 0,
        Threshold = 0.5,
        Regions = [],
        Model = Model,
        TimingsMs = new StageTimings(0, 0, 0, 0, 0),
        Image = new ImageSize(4, 4),
        Error = error,
    };

    [Fact]
    public async Task A_new_products_parts_refused_by_the_input_guard_are_enrolled_and_failed_parts_are_not()
    {
        var parts = new EnrollmentParts();
        var collecting = parts.CollectAsync(2, Model, _ => { }, CancellationToken.None);
        byte[] first = [1, 2, 3];
        byte[] second = [4, 5, 6];

        parts.Observe(new DecidedPart(VerdictOf(VerdictKind.Error, "camera: timeout"), null, default));
        parts.Observe(new DecidedPart(VerdictOf(VerdictKind.Error, "input guard: image too dark"), null, first, outOfInputRange: true));
        parts.Observe(new DecidedPart(VerdictOf(VerdictKind.Ng), null, second));

        var inputs = await collecting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal([first, second], inputs);
    }

    [Fact]
    public async Task A_tiled_part_enrolls_each_of_its_tiles_and_counts_as_one_part()
    {
        var parts = new EnrollmentParts();
        var progress = new List<int>();
        var collecting = parts.CollectAsync(2, Model, progress.Add, CancellationToken.None);

        parts.Observe(new DecidedPart(VerdictOf(VerdictKind.Ok), null, new byte[] { 1, 1, 2, 2, 3, 3, 4, 4 }, tiles: 4));
        parts.Observe(new DecidedPart(VerdictOf(VerdictKind.Ok), null, new byte[] { 5, 5, 6, 6, 7, 7, 8, 8 }, tiles: 4));

        var inputs = await collecting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(8, inputs.Count);
        Assert.Equal([3, 3], inputs[2]);
        Assert.Equal([8, 8], inputs[7]);
        Assert.Equal([1, 2], progress);
    }
}
