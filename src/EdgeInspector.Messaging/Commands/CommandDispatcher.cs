using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Messaging.Commands;

/// <summary>
/// Where a command's answer goes: a send function; nowhere (no response topic: the command runs,
/// its answer is not sent); or a forbidden place, with why (the command does not run).
/// </summary>
public readonly record struct CommandReplyTo(Func<byte[], CancellationToken, Task>? Send, string? Forbidden)
{
    public static CommandReplyTo To(Func<byte[], CancellationToken, Task> send) => new(send, null);

    public static CommandReplyTo Nowhere => default;

    public static CommandReplyTo Refused(string reason) => new(null, reason);
}

/// <summary>
/// Routes <c>cmd/{name}</c> requests to one small <see cref="ICommandHandler"/> each, apart from the
/// transport (the MQTT side hands over name, payload and where the answer goes). It never lets an
/// exception out: MQTTnet acknowledges a QoS-1 message only when its receive handler returns, and
/// a broker stops delivering to a client with 20 unacknowledged messages, so one throwing handler
/// repeated 20 times would stall every later command and model chunk (issue #13). Every request is
/// checked before it runs (size, one JSON object, no duplicate keys; the handler checks its
/// fields), answered when a reply can go somewhere, and logged once per kind per minute. Long
/// commands run beside the delivery, a few at a time, and end when the dispatcher stops.
/// </summary>
public sealed class CommandDispatcher : IAsyncDisposable
{
    /// <summary>Long commands running at once; more are refused ("busy") rather than queued.</summary>
    public const int MaxLongCommands = 4;

    private readonly Dictionary<string, ICommandHandler> _handlers;
    private readonly ILogger _logger;
    private readonly ThrottledLog _throttle;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();
    private readonly SemaphoreSlim _longSlots = new(MaxLongCommands, MaxLongCommands);
    private readonly string _names;

    public CommandDispatcher(IEnumerable<ICommandHandler> handlers, ILogger<CommandDispatcher> logger, TimeProvider? time = null)
    {
        _handlers = handlers.ToDictionary(h => h.Name, StringComparer.Ordinal);
        _names = string.Join(", ", _handlers.Keys);
        _logger = logger;
        _throttle = new ThrottledLog(time ?? TimeProvider.System, TimeSpan.FromMinutes(1));
    }

    /// <summary>Long commands still running (tests, shutdown).</summary>
    public int Running => _running.Count;

    /// <summary>
    /// Checks and runs one request and sends its answer. Returns when a short command has been
    /// answered, or at once for a long one. Never throws.
    /// </summary>
    public Task DispatchAsync(string name, byte[] payload, CommandReplyTo replyTo) => DispatchAsync(name, new ReadOnlySequence<byte>(payload), replyTo);

    /// <summary>
    /// As above, from the transport's buffer: the size is checked first, and only a payload the
    /// command takes is copied (long commands outlive the buffer), so a 10 MB request costs nothing.
    /// </summary>
    public async Task DispatchAsync(string name, ReadOnlySequence<byte> payload, CommandReplyTo replyTo)
    {
        try
        {
            if (replyTo.Forbidden is { } forbidden)
            {
                // A reply that may not go where asked: the request is not carried out either.
                Warn("not-run:" + Kind(name), name, $"not run: {forbidden}");
                return;
            }

            if (!_handlers.TryGetValue(name, out var handler))
            {
                await ReplyAsync(name, replyTo, Error($"unknown command '{Shorten(name)}'; this agent answers: {_names}")).ConfigureAwait(false);
                Warn("unknown", name, "unknown command");
                return;
            }

            var request = Check(handler, payload, out string? problem);
            if (request is null)
            {
                Warn("refused:" + name, name, "refused: " + problem);
                await ReplyAsync(name, replyTo, Error(problem!)).ConfigureAwait(false);
                return;
            }

            if (!handler.Long)
            {
                await RunAsync(handler, request, replyTo).ConfigureAwait(false);
                return;
            }

            if (!_longSlots.Wait(0))
            {
                Warn("busy", name, "refused: busy");
                await ReplyAsync(name, replyTo, Error(string.Create(CultureInfo.InvariantCulture, $"the agent is busy with {MaxLongCommands} long commands; send cmd/{name} again when one has answered"))).ConfigureAwait(false);
                return;
            }

            var task = Task.Run(() => RunAsync(handler, request, replyTo), CancellationToken.None);
            _running.TryAdd(task, true);
            _ = task.ContinueWith(
                t =>
                {
                    _running.TryRemove(t, out _);
                    _longSlots.Release();
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
        catch (Exception e)
        {
            // Last line of defence: nothing reaches MQTTnet's delivery.
            Failed(name, e);
        }
    }

    private static CommandRequest? Check(ICommandHandler handler, ReadOnlySequence<byte> payload, out string? problem)
    {
        if (payload.Length > handler.MaxPayloadBytes)
        {
            problem = string.Create(CultureInfo.InvariantCulture, $"payload is {payload.Length} bytes; cmd/{handler.Name} takes at most {handler.MaxPayloadBytes} bytes");
            return null;
        }

        try
        {
            problem = null;
            byte[] bytes = payload.ToArray();
            return new CommandRequest(handler.Name, bytes, CommandFields.ParseObject(bytes));
        }
        catch (CommandRefusedException e)
        {
            problem = e.Message;
            return null;
        }
    }

    private async Task RunAsync(ICommandHandler handler, CommandRequest request, CommandReplyTo replyTo)
    {
        JsonObject answer;
        try
        {
            answer = await handler.HandleAsync(request, _stopping.Token).ConfigureAwait(false);
        }
        catch (CommandRefusedException e)
        {
            Warn("refused:" + handler.Name, handler.Name, "refused: " + e.Message);
            answer = Error(e.Message);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Stopping: the retained status and model/state tell how it ended.
            return;
        }
        catch (Exception e)
        {
            Failed(handler.Name, e);
            answer = Error($"cmd/{handler.Name} failed unexpectedly ({e.GetType().Name}: {e.Message}); nothing was changed that its answer does not say");
        }

        await ReplyAsync(handler.Name, replyTo, answer).ConfigureAwait(false);
    }

    private async Task ReplyAsync(string name, CommandReplyTo replyTo, JsonObject answer)
    {
        if (replyTo.Send is not { } send)
        {
            Warn("no-reply:" + Kind(name), name, "answer not sent: the request has no MQTT 5 response topic");
            return;
        }

        try
        {
            await send(JsonSerializer.SerializeToUtf8Bytes(answer), _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The broker went away or we are stopping: the requester times out and asks again.
            Warn("reply-lost:" + Kind(name), name, $"answer not sent: {e.Message}");
        }
    }

    private void Warn(string kind, string name, string what)
    {
        if (_throttle.ShouldLog(kind, out long suppressed))
        {
            Log.CommandProblem(_logger, Shorten(name), what, suppressed);
        }
    }

    private void Failed(string name, Exception e)
    {
        if (_throttle.ShouldLog("failed:" + name, out long suppressed))
        {
            Log.CommandFailed(_logger, Shorten(name), suppressed, e);
        }
    }

    /// <summary>A sender picks command names: unknown ones share one throttle window, or each new name would add one for good.</summary>
    private string Kind(string name) => _handlers.ContainsKey(name) ? name : "?";

    private static string Shorten(string name) => name.Length <= 64 ? name : name[..64] + "…";

    private static JsonObject Error(string message) => new() { ["error"] = message };

    /// <summary>Cancels long commands and waits until every one has answered or given up.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running.Keys).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _longSlots.Dispose();
    }
}
