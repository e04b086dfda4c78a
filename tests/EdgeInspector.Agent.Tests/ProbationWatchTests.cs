using EdgeInspector.Core;

namespace EdgeInspector.Agent.Tests;

public sealed class ProbationWatchTests
{
    private static readonly ModelIdentity Old = new("m", 1, new string('a', 64));
    private static readonly ModelIdentity New = new("m", 2, new string('b', 64));

    private static Verdict V(ModelIdentity model, VerdictKind kind) => new()
    {
        Id = "x", Seq = 1, Device = "d", Ts = DateTimeOffset.UnixEpoch, Kind = kind, Score = 0, RawScore = 0, Threshold = 0.5,
        Regions = [], Model = model, TimingsMs = new StageTimings(0, 0, 0, 0, 0), Image = new ImageSize(1, 1),
    };

    private static async Task<string?> JudgeAsync(UpdateOptions options, params (ModelIdentity Model, VerdictKind Kind)[] verdicts)
    {
        var watch = new ProbationWatch(options);
        var failed = new TaskCompletionSource<string>();
        int raised = 0;
        watch.Failed += reason =>
        {
            Interlocked.Increment(ref raised);
            failed.TrySetResult(reason);
        };
        watch.Start(New);
        foreach (var (model, kind) in verdicts)
        {
            watch.Observe(new DecidedPart(V(model, kind), null, default));
        }

        var first = await Task.WhenAny(failed.Task, Task.Delay(500));
        Assert.True(raised <= 1);
        return first == failed.Task ? failed.Task.Result : null;
    }

    [Fact]
    public async Task Too_many_errors_from_the_new_model_fail_its_probation()
    {
        var reason = await JudgeAsync(
            new UpdateOptions { ProbationParts = 10, RollbackErrorRate = 0.2 },
            [.. Enumerable.Repeat((New, VerdictKind.Error), 3), .. Enumerable.Repeat((New, VerdictKind.Ok), 7), .. Enumerable.Repeat((New, VerdictKind.Error), 10)]);

        Assert.Equal("automatic rollback: m v2 gave 30% ERROR verdicts over its first 10 parts (Updates:RollbackErrorRate 0.2)", reason);
    }

    [Fact]
    public async Task Verdicts_of_the_previous_model_and_a_normal_defect_rate_pass()
    {
        var reason = await JudgeAsync(
            new UpdateOptions { ProbationParts = 10 },
            [.. Enumerable.Repeat((Old, VerdictKind.Error), 20), .. Enumerable.Repeat((New, VerdictKind.Ng), 3), .. Enumerable.Repeat((New, VerdictKind.Ok), 7)]);

        Assert.Null(reason);
    }

    [Fact]
    public async Task Probation_off_judges_nothing()
    {
        var reason = await JudgeAsync(new UpdateOptions { ProbationParts = 0 }, [.. Enumerable.Repeat((New, VerdictKind.Error), 20)]);

        Assert.Null(reason);
    }
}
