using System.Text;
using System.Text.Json.Nodes;
using EdgeInspector.Agent.Capture;
using EdgeInspector.Agent.DeviceCommands;
using EdgeInspector.Core;
using EdgeInspector.Messaging.Commands;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static EdgeInspector.Agent.Tests.Capture.CaptureFixtures;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>cmd/capture-list and cmd/capture-ack: what they answer, and what they refuse with the fix.</summary>
public sealed class CaptureCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private (CaptureStore Store, CapturedParts Parts) Create(bool enabled = true)
    {
        var options = Options();
        options.Enabled = enabled;
        var store = new CaptureStore(_temp.Combine("captures"), options, new SmallDisk(long.MaxValue / 2), NullLogger<CaptureStore>.Instance);
        store.Open();
        for (int seq = 1; seq <= 3; seq++)
        {
            store.Add(VerdictOf(seq == 2 ? VerdictKind.Ok : VerdictKind.Ng, seq == 2 ? 0.1 : 0.9, seq), seq == 2 ? CaptureKind.Ok : CaptureKind.Ng, [1, 2, (byte)seq], ".png");
        }

        return (store, new CapturedParts(Microsoft.Extensions.Options.Options.Create(options), store));
    }

    private static Task<JsonObject> Run(ICommandHandler handler, string json) =>
        handler.HandleAsync(new CommandRequest(handler.Name, Encoding.UTF8.GetBytes(json), CommandFields.ParseObject(Encoding.UTF8.GetBytes(json))), CancellationToken.None);

    [Fact]
    public async Task List_filters_by_time_and_kind_and_says_when_the_limit_cut_it()
    {
        var (_, parts) = Create();
        var list = new CaptureListCommand(parts);

        var ng = await Run(list, """{"kinds": ["ng"], "since": "1970-01-01T00:00:02Z", "limit": 1}""");

        var only = Assert.Single(ng["parts"]!.AsArray())!;
        Assert.Equal(("demo-t-3", "ng", "NG", 3L), ((string)only["id"]!, (string)only["kind"]!, (string)only["verdict"]!, (long)only["bytes"]!));
        Assert.False((bool)ng["more"]!);
        Assert.True((bool)(await Run(list, """{"limit": 2}"""))["more"]!);
    }

    [Theory]
    [InlineData("""{"kinds": ["scratch"]}""", "unknown kind 'scratch' in 'kinds'; use ng, uncertain, ok or error")]
    [InlineData("""{"since": "yesterday"}""", "'since' = 'yesterday' is not a time; send RFC 3339")]
    [InlineData("""{"limit": 0}""", "'limit' must be an integer in 1..5000")]
    [InlineData("""{"kind": ["ng"]}""", "unknown field 'kind'; capture-list takes since, kinds, limit")]
    public async Task A_bad_list_request_is_refused_with_what_to_send(string json, string expected)
    {
        var (_, parts) = Create();

        var refused = await Assert.ThrowsAsync<CommandRefusedException>(() => Run(new CaptureListCommand(parts), json));

        Assert.StartsWith(expected, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ack_deletes_the_named_parts_and_names_those_not_held()
    {
        var (store, parts) = Create();

        var answer = await Run(new CaptureAckCommand(parts), """{"ids": ["demo-t-1", "demo-t-9"]}""");

        Assert.Equal(1, (int)answer["deleted"]!);
        Assert.Equal(["demo-t-9"], answer["missing"]!.AsArray().Select(i => (string)i!));
        Assert.Equal(["demo-t-2", "demo-t-3"], store.List(null, [CaptureKind.Ng, CaptureKind.Ok]).Select(p => p.Id));
    }

    [Fact]
    public async Task Capture_commands_on_a_device_with_capture_off_say_how_to_turn_it_on()
    {
        var (_, parts) = Create(enabled: false);

        var refused = await Assert.ThrowsAsync<CommandRefusedException>(() => Run(new CaptureAckCommand(parts), """{"ids": ["demo-t-1"]}"""));

        Assert.Contains("set Capture:Enabled=true", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();
}
