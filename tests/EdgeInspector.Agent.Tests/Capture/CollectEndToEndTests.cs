using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Cli;
using EdgeInspector.Messaging;
using EdgeInspector.Testing;
using Xunit.Abstractions;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>
/// The data loop over a real Mosquitto: an agent on replayed parts captures them, collect pulls
/// them into a round, is interrupted once and resumed, every file checked against its SHA-256,
/// and --ack deletes on the device what arrived.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class CollectEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();

    private string Out => _temp.Combine("data", "COMP", "product");

    private async Task<string> PartsAsync()
    {
        string dir = _temp.Combine("parts");
        using var written = new StringWriter();
        int code = await Commands.RunAsync(["demo-images", "--out", dir, "--count", "8", "--seed", "3", "--defect-fraction", "0.5"], written, written);
        Assert.True(code == 0, written.ToString());
        return dir;
    }

    private static long Held(MqttProbe probe) =>
        probe.On("/status").LastOrDefault() is { } s && s.Json.TryGetProperty("capture", out var capture) ? capture.GetProperty("held").GetInt64() : 0;

    [Fact]
    public async Task Collect_pulls_captured_parts_resumes_after_an_interruption_verifies_every_file_and_acks()
    {
        using var broker = await MosquittoBroker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/demo/#");
        using var agent = AgentProcess.Start(
            "--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--fps", "2", "--replay", await PartsAsync(),
            "--Agent:StateDirectory=" + _temp.Combine("state"), "--Capture:Enabled=true", "--Capture:OkSampleRate=0.2");
        await probe.WaitForAsync(p => Held(p) >= 3, Patience, "three captured parts in status");
        var connection = new BrokerConnection(BrokerAddress.Parse(broker.Uri));
        const int chunk = 128 * 1024;
        var request = new CollectRequest("demo", Out, null, ["ng", "uncertain", "ok", "error"], "night shift", Ack: false, ChunkBytes: chunk, Patience);

        // Interrupted as soon as the first partial image is on disk.
        using (var interrupt = new CancellationTokenSource())
        {
            var watcher = Task.Run(async () =>
            {
                while (!Directory.Exists(Out) || !Directory.EnumerateFiles(Out, "*.part", SearchOption.AllDirectories).Any(f => new FileInfo(f).Length > 0))
                {
                    await Task.Delay(2);
                }

                await interrupt.CancelAsync();
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new PartCollector(connection, "edgeinspector", TextWriter.Null).RunAsync(request, interrupt.Token));
            await watcher;
        }

        string round = Assert.Single(Directory.GetDirectories(Out));
        Assert.Matches(@"^\d{8}_V01_night-shift$", Path.GetFileName(round));
        Assert.True(File.Exists(Path.Combine(round, CollectionRound.StateFile)), "the interrupted round is marked unfinished");
        int completeBefore = Images(round).Length;
        long bytesBefore = Images(round).Sum(f => new FileInfo(f).Length);
        long resumable = Directory.EnumerateFiles(round, "*.part", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length / chunk * chunk);
        output.WriteLine($"interrupted with {completeBefore} images complete and {resumable} bytes of whole chunks in a partial one");

        // The rerun resumes the same round and skips the images already complete.
        using var log = new StringWriter();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var bar = new List<(int Done, int Total)>();
        var resumed = await new PartCollector(connection, "edgeinspector", log, (done, total) => bar.Add((done, total))).RunAsync(request, CancellationToken.None);
        output.WriteLine($"{log}{resumed} in {watch.Elapsed.TotalSeconds:F1} s ({resumed.BytesReceived / 1e6 / watch.Elapsed.TotalSeconds:F1} MB/s in {chunk / 1024} KiB chunks)");

        Assert.Equal(round, resumed.Round);
        // The terminal's bar (LiveProgress) moves one part at a time from 0 to every listed part.
        Assert.Equal(Enumerable.Range(0, bar[0].Total + 1), bar.Select(b => b.Done));
        Assert.All(bar, b => Assert.Equal(bar[^1].Total, b.Total));
        Assert.True(bar[^1].Total >= resumed.Images, $"bar total {bar[^1].Total}, {resumed.Images} images");
        Assert.Single(Directory.GetDirectories(Out));
        Assert.False(File.Exists(Path.Combine(round, CollectionRound.StateFile)));
        Assert.Empty(Directory.EnumerateFiles(round, "*.part", SearchOption.AllDirectories));
        var images = Images(round);
        Assert.Equal(resumed.Images, images.Length);
        Assert.Equal(images.Length - completeBefore, resumed.Received);
        Assert.Equal(images.Sum(f => new FileInfo(f).Length) - bytesBefore - resumable, resumed.BytesReceived);
        Assert.True(images.Length >= 3, $"{images.Length} images");
        foreach (string image in images)
        {
            var record = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(image, ".json")))!;
            Assert.Equal((string)record["sha256"]!, Sha256(image));
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(image)), LabelRecords.Folder(LabelRecords.FromVerdict((string?)record["verdict"]!["verdict"])));
        }

        // The round is what the trainer reads: label records for every image and a manifest that verifies.
        var labels = JsonNode.Parse(File.ReadAllText(Path.Combine(round, "labels.json")))!["records"]!.AsArray();
        Assert.Equal(images.Select(Path.GetFileName).Order(StringComparer.Ordinal), labels.Select(r => (string)r!["image_id"]!).Order(StringComparer.Ordinal));
        Assert.All(labels, r => Assert.Contains((string)r!["label"]!, new[] { "normal", "anomaly", "error" }));
        Assert.All(labels, r => Assert.True((bool)r!["suggested"]!));
        var csv = File.ReadAllLines(Path.Combine(round, "labels.csv"));
        Assert.Equal("image_id,label,description,score,model_version,suggested", csv[0]);
        Assert.Equal(images.Length + 1, csv.Length);
        AssertManifestVerifies(round);

        // --ack through the command line: nothing new is fetched twice, and what arrived is deleted on the device.
        using var acked = new StringWriter();
        int code = await Commands.RunAsync(["collect", "--broker", broker.Uri, "--device", "demo", "--out", Out, "--ack", "--description", "night shift"], acked, acked);
        output.WriteLine(acked.ToString());
        Assert.True(code == 0, acked.ToString());
        var ids = images.Select(Path.GetFileNameWithoutExtension).ToHashSet();
        var left = await probe.RequestAsync("edgeinspector/demo/cmd/capture-list", Encoding.UTF8.GetBytes("{}"), Patience);
        var held = left.Json.GetProperty("parts").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.DoesNotContain(held, ids.Contains);
        Assert.DoesNotContain(Directory.EnumerateFiles(_temp.Combine("state", "captures")), f => ids.Contains(Path.GetFileNameWithoutExtension(f)));
    }

    private static string[] Images(string round) =>
        [.. Directory.EnumerateFiles(Path.Combine(round, "test"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>What the trainer's verify_dataset checks: every file listed with its size and SHA-256, nothing unlisted.</summary>
    private static void AssertManifestVerifies(string round)
    {
        using var manifest = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(round, CollectionRound.Manifest)));
        Assert.Equal(1, manifest.RootElement.GetProperty("format").GetInt32());
        var listed = manifest.RootElement.GetProperty("files").EnumerateObject().ToDictionary(f => f.Name, f => f.Value);
        var present = Directory.EnumerateFiles(round, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(round, f).Replace('\\', '/')).Where(f => f != CollectionRound.Manifest).ToList();
        Assert.Equal(present.Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("labels.csv", listed.Keys);
        foreach (string file in present)
        {
            Assert.Equal(listed[file].GetProperty("sha256").GetString(), Sha256(Path.Combine(round, file)));
            Assert.Equal(listed[file].GetProperty("bytes").GetInt64(), new FileInfo(Path.Combine(round, file)).Length);
        }
    }

    public void Dispose() => _temp.Dispose();
}
