using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Messaging.Commands;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Messaging.Tests;

public sealed class CommandDispatcherTests
{
    private sealed class Handler(string name, Func<CommandRequest, CancellationToken, Task<JsonObject>> run, bool isLong = false) : ICommandHandler
    {
        public string Name => name;

        public bool Long => isLong;

        public int MaxPayloadBytes => 64;

        public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken) => run(request, cancellationToken);
    }

    private sealed class Replies
    {
        public ConcurrentQueue<JsonElement> Sent { get; } = new();

        public CommandReplyTo To => CommandReplyTo.To((bytes, _) =>
        {
            Sent.Enqueue(JsonDocument.Parse(bytes).RootElement);
            return Task.CompletedTask;
        });

        public string Error => Sent.Single().GetProperty("error").GetString()!;
    }

    private sealed class CountingLogger : ILogger<CommandDispatcher>
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) => Lines.Enqueue(formatter(state, exception));
    }

    private static Task<JsonObject> Ok(CommandRequest request, CancellationToken _) => Task.FromResult(new JsonObject { ["ok"] = true, ["fields"] = request.Body.Count });

    [Fact]
    public async Task A_throwing_handler_is_answered_with_an_error_and_nothing_escapes()
    {
        var logger = new CountingLogger();
        await using var dispatcher = new CommandDispatcher([new Handler("boom", (_, _) => throw new ArgumentException("bad dictionary"))], logger);
        var replies = new Replies();

        for (int i = 0; i < 20; i++)
        {
            await dispatcher.DispatchAsync("boom", "{}"u8.ToArray(), i == 0 ? replies.To : CommandReplyTo.Nowhere);
        }

        Assert.Contains("cmd/boom failed unexpectedly (ArgumentException: bad dictionary)", replies.Error, StringComparison.Ordinal);
        // Once per kind per minute: one line for the failures, one for the answers that had nowhere to go.
        Assert.Single(logger.Lines, l => l.Contains("failed unexpectedly", StringComparison.Ordinal));
        Assert.Single(logger.Lines, l => l.Contains("no MQTT 5 response topic", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{"a":1,"a":2}""", "duplicate")]
    [InlineData("""{"a":{"b":1,"b":2}}""", "duplicate")]
    [InlineData("""{"a":1""", "payload is not a JSON object")]
    [InlineData("[1]", "payload is not a JSON object (got array)")]
    [InlineData("""{"pad":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}""", "takes at most 64 bytes")]
    public async Task Bad_payloads_are_refused_before_the_handler_runs(string payload, string expected)
    {
        bool ran = false;
        await using var dispatcher = new CommandDispatcher([new Handler("x", (r, c) => { ran = true; return Ok(r, c); })], NullLogger<CommandDispatcher>.Instance);
        var replies = new Replies();

        await dispatcher.DispatchAsync("x", Encoding.UTF8.GetBytes(payload), replies.To);

        Assert.False(ran);
        Assert.Contains(expected, replies.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_empty_payload_is_an_empty_object_and_an_unknown_command_names_the_known_ones()
    {
        await using var dispatcher = new CommandDispatcher([new Handler("status", Ok), new Handler("snapshot", Ok)], NullLogger<CommandDispatcher>.Instance);
        var ok = new Replies();
        var unknown = new Replies();

        await dispatcher.DispatchAsync("status", [], ok.To);
        await dispatcher.DispatchAsync("reboot", [], unknown.To);

        Assert.Equal(0, ok.Sent.Single().GetProperty("fields").GetInt32());
        Assert.Equal("unknown command 'reboot'; this agent answers: status, snapshot", unknown.Error);
    }

    [Fact]
    public async Task A_forbidden_reply_topic_means_the_command_does_not_run()
    {
        bool ran = false;
        await using var dispatcher = new CommandDispatcher([new Handler("x", (r, c) => { ran = true; return Ok(r, c); })], NullLogger<CommandDispatcher>.Instance);

        await dispatcher.DispatchAsync("x", [], CommandReplyTo.Refused("onto a contract topic"));

        Assert.False(ran);
    }

    [Fact]
    public async Task A_long_command_does_not_hold_up_short_ones_and_ends_when_stopped()
    {
        var started = new TaskCompletionSource();
        var dispatcher = new CommandDispatcher(
            [
                new Handler("wait", async (_, ct) => { started.SetResult(); await Task.Delay(Timeout.Infinite, ct); return []; }, isLong: true),
                new Handler("status", Ok),
            ],
            NullLogger<CommandDispatcher>.Instance);
        var waiting = new Replies();
        var status = new Replies();

        var dispatch = dispatcher.DispatchAsync("wait", [], waiting.To);
        Assert.True(dispatch.IsCompleted, "a long command must return to the MQTT delivery at once");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await dispatcher.DispatchAsync("status", [], status.To);
        Assert.True(status.Sent.Single().GetProperty("ok").GetBoolean());
        Assert.Equal(1, dispatcher.Running);

        await dispatcher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(waiting.Sent);
        Assert.Equal(0, dispatcher.Running);
    }

    [Fact]
    public async Task More_long_commands_than_slots_are_refused_as_busy()
    {
        await using var dispatcher = new CommandDispatcher([new Handler("wait", async (_, ct) => { await Task.Delay(Timeout.Infinite, ct); return []; }, isLong: true)], NullLogger<CommandDispatcher>.Instance);
        for (int i = 0; i < CommandDispatcher.MaxLongCommands; i++)
        {
            await dispatcher.DispatchAsync("wait", [], CommandReplyTo.Nowhere);
        }

        var busy = new Replies();
        await dispatcher.DispatchAsync("wait", [], busy.To);

        Assert.Contains("busy", busy.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Fields_are_checked_for_name_type_and_range()
    {
        var body = CommandFields.ParseObject("""{"parts": 2.5, "t": "0.5", "u": null}"""u8);

        Assert.Contains("unknown field 'x'", Assert.Throws<CommandRefusedException>(() => CommandFields.OnlyKnown(new JsonObject { ["x"] = 1 }, "enroll", "parts")).Message, StringComparison.Ordinal);
        Assert.Contains("got 2.5", Assert.Throws<CommandRefusedException>(() => CommandFields.Integer(body, "parts", 2, 200, true, "parts", "{}")).Message, StringComparison.Ordinal);
        Assert.Contains("got nothing", Assert.Throws<CommandRefusedException>(() => CommandFields.Integer(body, "missing", 2, 200, true, "parts", "{}")).Message, StringComparison.Ordinal);
        Assert.Contains("must be a number in [0,1] or null, got \"0.5\"", Assert.Throws<CommandRefusedException>(() => CommandFields.Number(body, "t", 0, 1)).Message, StringComparison.Ordinal);
        Assert.Equal((true, (double?)null), CommandFields.Number(body, "u", 0, 1));
        Assert.Equal((false, (double?)null), CommandFields.Number(body, "v", 0, 1));
    }

    [Fact]
    public void Text_fields_are_checked_for_type_length_and_count()
    {
        var body = CommandFields.ParseObject("""{"id": "a-1", "n": 3, "long": "abcdef", "ids": ["a", "b"], "mixed": ["a", 2], "empty": []}"""u8);

        Assert.Equal("a-1", CommandFields.Text(body, "id", 8, true, "{}"));
        Assert.Null(CommandFields.Text(body, "absent", 8, false, "{}"));
        Assert.Contains("'n' must be a string of 1..8 characters, got 3", Assert.Throws<CommandRefusedException>(() => CommandFields.Text(body, "n", 8, true, "{}")).Message, StringComparison.Ordinal);
        Assert.Contains("got \"abcdef\"", Assert.Throws<CommandRefusedException>(() => CommandFields.Text(body, "long", 5, true, "{}")).Message, StringComparison.Ordinal);
        Assert.Equal(["a", "b"], CommandFields.Texts(body, "ids", 2, 8, true, "{}"));
        Assert.Contains("array of 1..1 strings", Assert.Throws<CommandRefusedException>(() => CommandFields.Texts(body, "ids", 1, 8, true, "{}")).Message, StringComparison.Ordinal);
        Assert.Contains("(got 2)", Assert.Throws<CommandRefusedException>(() => CommandFields.Texts(body, "mixed", 4, 8, true, "{}")).Message, StringComparison.Ordinal);
        Assert.Throws<CommandRefusedException>(() => CommandFields.Texts(body, "empty", 4, 8, false, "{}"));
        Assert.Null(CommandFields.Texts(body, "absent", 4, 8, false, "{}"));
    }

    [Theory]
    [InlineData("probe/replies/1", true)]
    [InlineData("edgeinspector/dev/reply/tech-1", true)]
    [InlineData("edgeinspector/dev/verdict", false)]
    [InlineData("edgeinspector/dev/status", false)]
    [InlineData("edgeinspector/dev/model/state", false)]
    [InlineData("edgeinspector/dev/cmd/status", false)]
    [InlineData("edgeinspector/other/verdict", false)]
    [InlineData("edgeinspector/other/reply/x", false)]
    [InlineData("probe/+/x", false)]
    [InlineData("probe/#", false)]
    [InlineData("$SYS/x", false)]
    public void Replies_go_only_outside_the_contract_topics(string topic, bool allowed)
    {
        var rule = new ReplyTopicRule(new Topics("edgeinspector", "dev"));

        Assert.Equal(allowed, rule.Refusal(topic) is null);
        Assert.Null(rule.Refusal(null));
    }

    [Fact]
    public void The_throttle_writes_one_line_per_kind_per_interval_and_counts_the_rest()
    {
        var time = new ManualTime();
        var log = new ThrottledLog(time, TimeSpan.FromMinutes(1));

        Assert.True(log.ShouldLog("a", out _));
        Assert.False(log.ShouldLog("a", out _));
        Assert.False(log.ShouldLog("a", out _));
        Assert.True(log.ShouldLog("b", out _));
        time.Now += TimeSpan.FromSeconds(61);
        Assert.True(log.ShouldLog("a", out long suppressed));
        Assert.Equal(2, suppressed);
    }

    private sealed class ManualTime : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
