using System.Text.Json;
using EdgeInspector.Core;

namespace EdgeInspector.Core.Tests;

public sealed class ContractJsonTests
{
    private static readonly DateTimeOffset Ts = new(2025, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

    private static Verdict SampleVerdict(VerdictKind kind = VerdictKind.Ng, string? error = null) => new()
    {
        Id = "cam1-000042",
        Seq = 42,
        Device = "orin-01",
        Ts = Ts,
        Kind = kind,
        Score = 0.93,
        RawScore = 0.71,
        Threshold = 0.5,
        Regions = [new DefectRegion(10, 20, 30, 40, 900, 0.88)],
        Model = new ModelIdentity("texture-baseline", 1, "ab12"),
        TimingsMs = new StageTimings(1.5, 2.5, 3.5, 4.5, 12.0),
        Image = new ImageSize(640, 480),
        Error = error,
    };

    private static AgentStatus SampleStatus(AgentState state = AgentState.Running) => new()
    {
        State = state,
        Device = "orin-01",
        AgentVersion = "0.1.0",
        UptimeS = 3600,
        Model = new ModelIdentity("texture-baseline", 1, "ab12"),
        ExecutionProvider = "Cpu",
        ExecutionProviderNotes = ["TensorRT: not in this build"],
        Camera = new CameraStatus("synthetic", true, 9.5, 3),
        Light = new LightStatus("gpio:7", 17),
        Counters = new InspectionCounts(10, 7, 2, 1),
        Fps = 9.75,
        LatencyMs = new LatencySummary(12.5, 40.25),
        LastError = null,
        Ts = Ts,
    };

    private static JsonElement Parse(byte[] utf8) => JsonDocument.Parse(utf8).RootElement.Clone();

    private static string[] Names(JsonElement obj) => [.. obj.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void Verdict_uses_the_contract_field_names()
    {
        var json = Parse(ContractJson.Serialize(SampleVerdict()));

        Assert.Equal(
            new[] { "device", "id", "image", "model", "raw_score", "regions", "score", "seq", "threshold", "timings_ms", "ts", "verdict" },
            Names(json));
        Assert.Equal(new[] { "area_px", "h", "score", "w", "x", "y" }, Names(json.GetProperty("regions")[0]));
        Assert.Equal(new[] { "name", "precision", "sha256", "version" }, Names(json.GetProperty("model")));
        Assert.Equal(new[] { "acquire", "infer", "post", "preprocess", "total" }, Names(json.GetProperty("timings_ms")));
        Assert.Equal(new[] { "height", "width" }, Names(json.GetProperty("image")));
    }

    [Fact]
    public void Verdict_carries_its_values()
    {
        var json = Parse(ContractJson.Serialize(SampleVerdict()));

        Assert.Equal("cam1-000042", json.GetProperty("id").GetString());
        Assert.Equal(42, json.GetProperty("seq").GetInt64());
        Assert.Equal("orin-01", json.GetProperty("device").GetString());
        Assert.Equal(Ts, json.GetProperty("ts").GetDateTimeOffset());
        Assert.Equal("NG", json.GetProperty("verdict").GetString());
        Assert.Equal(0.93, json.GetProperty("score").GetDouble());
        Assert.Equal(0.71, json.GetProperty("raw_score").GetDouble());
        Assert.Equal(0.5, json.GetProperty("threshold").GetDouble());
        var region = json.GetProperty("regions")[0];
        Assert.Equal(10, region.GetProperty("x").GetInt32());
        Assert.Equal(20, region.GetProperty("y").GetInt32());
        Assert.Equal(30, region.GetProperty("w").GetInt32());
        Assert.Equal(40, region.GetProperty("h").GetInt32());
        Assert.Equal(900, region.GetProperty("area_px").GetInt32());
        Assert.Equal(0.88, region.GetProperty("score").GetDouble());
        Assert.Equal("texture-baseline", json.GetProperty("model").GetProperty("name").GetString());
        Assert.Equal(1, json.GetProperty("model").GetProperty("version").GetInt32());
        Assert.Equal("ab12", json.GetProperty("model").GetProperty("sha256").GetString());
        var t = json.GetProperty("timings_ms");
        Assert.Equal(1.5, t.GetProperty("acquire").GetDouble());
        Assert.Equal(2.5, t.GetProperty("preprocess").GetDouble());
        Assert.Equal(3.5, t.GetProperty("infer").GetDouble());
        Assert.Equal(4.5, t.GetProperty("post").GetDouble());
        Assert.Equal(12.0, t.GetProperty("total").GetDouble());
        Assert.Equal(640, json.GetProperty("image").GetProperty("width").GetInt32());
        Assert.Equal(480, json.GetProperty("image").GetProperty("height").GetInt32());
    }

    [Fact]
    public void A_tiled_region_names_its_tile_and_a_reader_of_the_old_shape_still_parses_it()
    {
        byte[] utf8 = ContractJson.Serialize(SampleVerdict() with { Regions = [new DefectRegion(2505, 207, 1034, 608, 322413, 0.64, "r0c1")] });
        var region = Parse(utf8).GetProperty("regions")[0];

        Assert.Equal("r0c1", region.GetProperty("tile").GetString());
        var snake = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
        var old = JsonSerializer.Deserialize<UntiledRegion>(region.GetRawText(), snake)!;
        Assert.Equal(new UntiledRegion(2505, 207, 1034, 608, 322413, 0.64), old);
        Assert.Null(JsonSerializer.Deserialize<DefectRegion>("""{"x":1,"y":2,"w":3,"h":4,"area_px":12,"score":0.5}""", snake)!.Tile);
    }

    /// <summary>A region as a consumer written before tiling reads it.</summary>
    private sealed record UntiledRegion(int X, int Y, int W, int H, int AreaPx, double Score);

    [Theory]
    [InlineData(VerdictKind.Ok, "OK")]
    [InlineData(VerdictKind.Ng, "NG")]
    [InlineData(VerdictKind.Error, "ERROR")]
    public void Verdict_kind_is_an_uppercase_string(VerdictKind kind, string expected)
    {
        var json = Parse(ContractJson.Serialize(SampleVerdict(kind)));

        Assert.Equal(expected, json.GetProperty("verdict").GetString());
    }

    [Fact]
    public void Error_appears_only_when_set_and_null_model_stays_as_null()
    {
        var withError = Parse(ContractJson.Serialize(SampleVerdict(VerdictKind.Error, "camera timeout") with { Model = null, Regions = [] }));

        Assert.Equal("camera timeout", withError.GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, withError.GetProperty("model").ValueKind);
        Assert.Equal(0, withError.GetProperty("regions").GetArrayLength());
        Assert.False(Parse(ContractJson.Serialize(SampleVerdict())).TryGetProperty("error", out _));
    }

    [Fact]
    public void Status_uses_the_contract_field_names()
    {
        var json = Parse(ContractJson.Serialize(SampleStatus()));
        var names = Names(json);

        foreach (string name in new[] { "state", "device", "agent_version", "uptime_s", "model", "execution_provider", "execution_provider_notes", "camera", "light", "counters", "fps", "latency_ms", "last_error", "ts" })
        {
            Assert.Contains(name, names);
        }

        Assert.Equal(14, names.Length);
        Assert.Equal(new[] { "backend", "connected", "dropped", "fps" }, Names(json.GetProperty("camera")));
        Assert.Equal(new[] { "error", "inspected", "ng", "ok" }, Names(json.GetProperty("counters")));
        Assert.Equal(new[] { "p50", "p99" }, Names(json.GetProperty("latency_ms")));
        Assert.Equal(new[] { "mode", "strobes" }, Names(json.GetProperty("light")));
    }

    [Fact]
    public void Process_figures_are_this_process_in_snake_case()
    {
        var status = SampleStatus() with { Process = ProcessFigures.Read() };
        var process = Parse(ContractJson.Serialize(status)).GetProperty("process");

        Assert.Equal(new[] { "gc_committed_mb", "gc_heap_mb", "handles", "rss_mb", "threads" }, Names(process));
        Assert.True(process.GetProperty("rss_mb").GetDouble() > 10);
        Assert.True(process.GetProperty("threads").GetInt32() > 1);
        Assert.True(process.GetProperty("handles").GetInt32() > 2);
    }

    [Fact]
    public void Health_lists_only_what_the_host_exposes()
    {
        var status = SampleStatus() with { Health = new DeviceHealth { TemperaturesC = new Dictionary<string, double> { ["cpu-thermal"] = 51.5 }, MemoryTotalMb = 7620 } };
        var health = Parse(ContractJson.Serialize(status)).GetProperty("health");

        Assert.Equal(new[] { "memory_total_mb", "temperatures_c" }, Names(health));
        Assert.Equal(51.5, health.GetProperty("temperatures_c").GetProperty("cpu-thermal").GetDouble());
    }

    [Fact]
    public void Status_carries_its_values()
    {
        var json = Parse(ContractJson.Serialize(SampleStatus()));

        Assert.Equal("running", json.GetProperty("state").GetString());
        Assert.Equal("0.1.0", json.GetProperty("agent_version").GetString());
        Assert.Equal(3600, json.GetProperty("uptime_s").GetInt64());
        Assert.Equal("Cpu", json.GetProperty("execution_provider").GetString());
        Assert.Equal("TensorRT: not in this build", json.GetProperty("execution_provider_notes")[0].GetString());
        var camera = json.GetProperty("camera");
        Assert.Equal("synthetic", camera.GetProperty("backend").GetString());
        Assert.True(camera.GetProperty("connected").GetBoolean());
        Assert.Equal(9.5, camera.GetProperty("fps").GetDouble());
        Assert.Equal(3, camera.GetProperty("dropped").GetInt64());
        var counters = json.GetProperty("counters");
        Assert.Equal(10, counters.GetProperty("inspected").GetInt64());
        Assert.Equal(7, counters.GetProperty("ok").GetInt64());
        Assert.Equal(2, counters.GetProperty("ng").GetInt64());
        Assert.Equal(1, counters.GetProperty("error").GetInt64());
        Assert.Equal(12.5, json.GetProperty("latency_ms").GetProperty("p50").GetDouble());
        Assert.Equal(40.25, json.GetProperty("latency_ms").GetProperty("p99").GetDouble());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("last_error").ValueKind);
        Assert.Equal(Ts, json.GetProperty("ts").GetDateTimeOffset());
    }

    [Theory]
    [InlineData(AgentState.Starting, "starting")]
    [InlineData(AgentState.Running, "running")]
    [InlineData(AgentState.Degraded, "degraded")]
    [InlineData(AgentState.Updating, "updating")]
    [InlineData(AgentState.Stopping, "stopping")]
    [InlineData(AgentState.Offline, "offline")]
    public void Status_state_is_lowercase(AgentState state, string expected)
    {
        var json = Parse(ContractJson.Serialize(SampleStatus(state)));

        Assert.Equal(expected, json.GetProperty("state").GetString());
    }

    [Fact]
    public void Last_error_is_written_when_set()
    {
        var json = Parse(ContractJson.Serialize(SampleStatus() with { LastError = "camera lost" }));

        Assert.Equal("camera lost", json.GetProperty("last_error").GetString());
    }
}
