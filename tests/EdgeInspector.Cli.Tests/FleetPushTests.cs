using System.Collections.Concurrent;
using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

public sealed class FleetPushTests
{
    private const string Fleet = """{"groups": {"line1": ["cell1", "cell2", "cell3", "cell4", "cell5"], "line2": ["cell6", "cell1"]}, "canaries": ["cell2", "cell6"]}""";

    [Fact]
    public void A_group_plans_its_canaries_first_and_every_device_once()
    {
        var fleet = FleetFile.Parse(Fleet);
        Assert.Equal([("cell2", true), ("cell1", false), ("cell3", false), ("cell4", false), ("cell5", false)], fleet.Plan("line1"));
        Assert.Equal([("cell2", true), ("cell6", true), ("cell1", false), ("cell3", false), ("cell4", false), ("cell5", false)], fleet.Plan(null));
        Assert.Contains("no group 'line3' in the fleet file (groups: line1, line2)", Assert.Throws<CliException>(() => fleet.Plan("line3")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "expected {\"groups\"")]
    [InlineData("""{"groups": {}}""", "has no groups")]
    [InlineData("""{"groups": {"a": "cell1"}}""", "group 'a' must be an array")]
    [InlineData("""{"groups": {"a": ["cell/1"]}}""", "is not a device id")]
    [InlineData("""{"groups": {"a": ["cell1"]}, "canaries": ["cell9"]}""", "canary 'cell9' is in no group")]
    [InlineData("""{"groups": {"a": ["cell1"]}, "canary": ["cell1"]}""", "unknown field 'canary'")]
    [InlineData("{", "is not JSON")]
    public async Task A_malformed_fleet_file_is_refused_with_the_reason(string json, string message) =>
        Assert.Contains(message, Assert.Throws<CliException>(() => FleetFile.Parse(json)).Message, StringComparison.Ordinal);

    private static Func<string, TextWriter, CancellationToken, Task<PushResult>> Fake(ConcurrentQueue<string> order, params string[] failing) => async (device, progress, _) =>
    {
        order.Enqueue(device);
        progress.WriteLine("progress: something");
        await Task.Delay(20);
        if (device == "boom")
        {
            throw new CliException("cannot connect to the broker");
        }

        return new PushResult(device, "m", 3, failing.Contains(device) ? "rejected" : "active", 1, 1, 1, 0.02, failing.Contains(device) ? "bad" : null);
    };

    [Fact]
    public async Task All_devices_succeed_canaries_strictly_first()
    {
        var order = new ConcurrentQueue<string>();
        using var output = new StringWriter();
        var results = await new FleetPush(Fake(order), 3, 0, 3, output).RunAsync(FleetFile.Parse(Fleet).Plan("line1"), CancellationToken.None);

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal("cell2", order.First());
        Assert.Contains("[cell3] progress: something", output.ToString(), StringComparison.Ordinal);
        FleetPush.WriteTable(results, output);
        Assert.Matches(@"cell2\s+canary\s+active\s+3\s+0\.0\s+-", output.ToString());
        Assert.Contains("5/5 devices active, 0 skipped, 0 failed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_canary_skips_everything_after_it()
    {
        var order = new ConcurrentQueue<string>();
        using var output = new StringWriter();
        var results = await new FleetPush(Fake(order, "cell2"), 3, 10, 3, output).RunAsync(FleetFile.Parse(Fleet).Plan(null), CancellationToken.None);

        Assert.Equal(["cell2"], order);
        Assert.Equal("rejected", results[0].Result);
        Assert.All(results.Skip(1), r => Assert.Equal(FleetDeviceResult.Skipped, r.Result));
        Assert.Contains("rollout aborted (canary cell2 rejected)", results[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_beyond_max_failures_stop_new_pushes_and_a_connection_error_counts_as_one()
    {
        var order = new ConcurrentQueue<string>();
        using var output = new StringWriter();
        (string, bool)[] plan = [("c", true), ("a", false), ("boom", false), ("b", false), ("d", false), ("e", false)];
        var results = await new FleetPush(Fake(order, "b"), 1, 1, 3, output).RunAsync(plan, CancellationToken.None);

        Assert.Equal(["c", "a", "boom", "b"], order);
        Assert.Equal(["active", "active", FleetDeviceResult.Failed, "rejected", FleetDeviceResult.Skipped, FleetDeviceResult.Skipped], results.Select(r => r.Result));
        Assert.Equal("cannot connect to the broker", results[2].Reason);
        Assert.Contains("rollout aborted: 2 failures > --max-failures 1", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_aborted_rollout_rolls_back_exactly_the_devices_it_switched_to_the_version_each_served_before()
    {
        // c (canary) and d were switched from v2, a already served v3, b fails and aborts, e is never tried.
        var served = new Dictionary<string, int?> { ["c"] = 2, ["a"] = 3, ["d"] = null, ["b"] = 2 };
        Func<string, TextWriter, CancellationToken, Task<PushResult>> push = (device, _, _) =>
            Task.FromResult(new PushResult(device, "m", 3, device == "b" ? "rejected" : "active", 1, 1, 1, 0.02, device == "b" ? "bad" : null, served[device]));
        var asked = new ConcurrentQueue<(string, int?)>();
        var rollback = new FleetRollback((device, to, _) =>
        {
            asked.Enqueue((device, to));
            return device == "d" ? throw new CliException("cannot connect to the broker") : Task.FromResult(new RollbackResult(device, true, "m", to, null));
        }, 4);
        using var output = new StringWriter();
        (string, bool)[] plan = [("c", true), ("a", false), ("d", false), ("b", false), ("e", false)];

        var results = await new FleetPush(push, 1, 0, 3, output, rollback).RunAsync(plan, CancellationToken.None);

        Assert.Equal([("c", 2), ("d", null)], asked.OrderBy(a => a.Item1));
        Assert.Equal([true, null, false, null, null], results.Select(r => r.Rollback?.Ok));
        string log = output.ToString();
        Assert.True(log.IndexOf("rollout aborted: 1 failures > --max-failures 0", StringComparison.Ordinal) < log.IndexOf("[c] rolling back to v2", StringComparison.Ordinal), log);
        Assert.Contains("[d] rolling back to its previous package (version before the rollout unknown)", log, StringComparison.Ordinal);
        FleetPush.WriteTable(results, output);
        log = output.ToString();
        Assert.Matches(@"device\s+role\s+result\s+version\s+seconds\s+reason\s+rollback", log);
        Assert.Matches(@"c\s+canary\s+active\s+3\s+0\.0\s+-\s+rolled back to v2", log);
        Assert.Matches(@"a\s+-\s+active\s+3\s+0\.0\s+-\s+-", log);
        Assert.Matches(@"d\s+-\s+active\s+3\s+0\.0\s+-\s+rollback failed: cannot connect to the broker", log);
        Assert.Contains("3/5 devices active, 1 skipped, 1 failed; 1/2 switched device(s) rolled back", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollout_that_completes_rolls_nothing_back()
    {
        int rollbacks = 0;
        var rollback = new FleetRollback((device, _, _) => Task.FromResult(new RollbackResult(device, true, "m", ++rollbacks, null)), 1);
        using var output = new StringWriter();
        var results = await new FleetPush(Fake(new ConcurrentQueue<string>()), 2, 0, 3, output, rollback).RunAsync(FleetFile.Parse(Fleet).Plan("line1"), CancellationToken.None);

        FleetPush.WriteTable(results, output);
        Assert.Equal(0, rollbacks);
        Assert.DoesNotContain("rollback", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Push_arguments_are_checked_before_connecting()
    {
        using var dir = new TempDirectory();
        string fleet = dir.Combine("fleet.json");
        File.WriteAllText(fleet, Fleet);
        string pkg = RepoPaths.TextureBaselinePackage;
        Updates.PackageSigning.GenerateKeyPair(dir.Combine("keys"));
        (string[] Args, string Message)[] cases =
        [
            (["--device", "d", "--fleet", fleet], "either --device ID or --fleet FILE"),
            ([], "either --device ID or --fleet FILE"),
            (["--device", "d", "--group", "line1"], "--group needs --fleet FILE"),
            (["--device", "d", "--ca", fleet], "--ca and --cert need a TLS broker: use mqtts://127.0.0.1:1 instead of mqtt://127.0.0.1:1"),
            (["--device", "d", "--key", fleet], "--key needs --cert"),
            (["--device", "d", "--password", "p"], "--password needs --username"),
            (["--fleet", fleet, "--group", "nope"], "no group 'nope'"),
            (["--fleet", dir.Combine("missing.json")], "cannot read the fleet file"),
            (["--fleet", fleet, "--parallel", "0"], "--parallel must be an integer in 1..256"),
            (["--device", "d", "--rollback-on-abort"], "push: --rollback-on-abort needs --fleet FILE"),
            (["--device", "d", "--rollback-key", dir.Combine("keys", "private.pem")], "push: --rollback-key needs --fleet FILE"),
            (["--fleet", fleet, "--rollback-on-abort"], "push: --rollback-on-abort needs --rollback-key private.pem"),
            (["--fleet", fleet, "--rollback-key", dir.Combine("keys", "private.pem")], "push: --rollback-key is only used with --rollback-on-abort"),
            (["--fleet", fleet, "--rollback-on-abort", "--rollback-key", dir.Combine("nope.pem")], "push: --rollback-key: key file '" + dir.Combine("nope.pem") + "' does not exist"),
            (["--fleet", fleet, "--rollback-on-abort", "--rollback-key", fleet], "push: --rollback-key: '" + fleet + "' is not a PEM EC key"),
            (["--fleet", fleet, "--rollback-on-abort", "--rollback-key", dir.Combine("keys", "public.pem")], "push: --rollback-key: '" + dir.Combine("keys", "public.pem") + "' holds no private key"),
        ];
        foreach (var (args, message) in cases)
        {
            var (code, _, error) = await CliRun.RunAsync(["push", "--package", pkg, "--broker", "mqtt://127.0.0.1:1", .. args]);
            Assert.True(code == 2, string.Join(' ', args) + ": " + error);
            Assert.Contains(message, error, StringComparison.Ordinal);
        }

        var (c, _, e) = await CliRun.RunAsync("push", "--package", pkg, "--broker", "mqtts://127.0.0.1:1", "--device", "d", "--cert", dir.Combine("nope.pem"));
        Assert.Equal(2, c);
        Assert.Contains("nope.pem' does not exist", e, StringComparison.Ordinal);
    }
}
