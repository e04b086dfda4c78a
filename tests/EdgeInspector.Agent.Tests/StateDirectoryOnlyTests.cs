using System.Globalization;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// Issue #13 finding 7: the agent writes only into its state directory. Before, every model
/// load created /var/lib/edge-inspector/trt-cache/&lt;hash&gt;-fp16 (also on CPU, also with
/// another state directory) and ONNX Runtime its telemetry store in ~/.cache.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class StateDirectoryOnlyTests
{
    [Fact]
    public async Task A_run_creates_nothing_outside_the_state_directory()
    {
        using var temp = new TempDirectory();
        string home = Directory.CreateDirectory(temp.Combine("home")).FullName;
        string xdg = Directory.CreateDirectory(temp.Combine("xdg")).FullName;
        string tmp = Directory.CreateDirectory(temp.Combine("tmp")).FullName;
        string state = temp.Combine("state");
        string images = Directory.CreateDirectory(temp.Combine("images")).FullName;
        SyntheticParts.WriteSet(images, count: 3, seed: 3);
        const string SystemCache = "/var/lib/edge-inspector/trt-cache";
        string[] systemBefore = Directory.Exists(SystemCache) ? Directory.GetDirectories(SystemCache) : [];
        var environment = new Dictionary<string, string> { ["HOME"] = home, ["XDG_CACHE_HOME"] = xdg, ["TMPDIR"] = tmp };

        using var agent = AgentProcess.Start(environment, "--model", RepoPaths.TextureBaselinePackage, "--replay", images, "--frames", "3",
            "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture), "--Agent:StateDirectory=" + state,
            "--Mqtt:Outbox:Enabled=true", "--Light:Mode=Off");

        Assert.True(await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)) == 0, agent.Output);
        Assert.Empty(Directory.GetFileSystemEntries(home));
        Assert.Empty(Directory.GetFileSystemEntries(xdg));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(tmp), e => !Path.GetFileName(e).StartsWith("dotnet-", StringComparison.Ordinal) && !Path.GetFileName(e).StartsWith("clr-debug-pipe", StringComparison.Ordinal));
        Assert.Equal(systemBefore, Directory.Exists(SystemCache) ? Directory.GetDirectories(SystemCache) : []);
        Assert.True(File.Exists(Path.Combine(state, "outbox.db")), "the state directory holds the outbox");
        Assert.False(Directory.Exists(Path.Combine(state, "trt-cache")), "no TensorRT cache without TensorRT");
    }
}
