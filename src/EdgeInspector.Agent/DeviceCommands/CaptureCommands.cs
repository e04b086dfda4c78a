using System.Globalization;
using System.Text.Json.Nodes;
using EdgeInspector.Agent.Capture;
using EdgeInspector.Messaging;
using EdgeInspector.Messaging.Commands;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.DeviceCommands;

/// <summary>What the three capture commands share: the store, and a refusal while capture is off.</summary>
public sealed class CapturedParts(IOptions<CaptureOptions> options, CaptureStore store)
{
    public CaptureStore Store
    {
        get
        {
            if (!options.Value.Enabled)
            {
                throw new CommandRefusedException("capture is off on this device; set Capture:Enabled=true in its configuration (docs/data-loop.md) and restart the agent");
            }

            return store;
        }
    }

    /// <summary>A held part by id, or a refusal saying why it is not there.</summary>
    public CapturedPart Find(string id) => Store.Find(id)
        ?? throw new CommandRefusedException($"no captured part '{id}' on this device (evicted for room, or already acknowledged); list again with cmd/capture-list");
}

/// <summary>
/// cmd/capture-list <c>{"since": "2026-12-01T00:00:00Z", "kinds": ["ng", "uncertain"], "limit": 1000}</c>
/// (all optional): the captured parts held, oldest first; <c>more</c> when the limit cut the list.
/// </summary>
public sealed class CaptureListCommand(CapturedParts parts) : ICommandHandler
{
    public const int MaxLimit = 5000;

    public string Name => "capture-list";

    public bool Long => false;

    public int MaxPayloadBytes => 1024;

    public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        CommandFields.OnlyKnown(body, Name, "since", "kinds", "limit");
        string? sinceText = CommandFields.Text(body, "since", 64, required: false, "{\"since\": \"2026-12-01T00:00:00Z\"}");
        DateTimeOffset? since = null;
        if (sinceText is not null)
        {
            since = DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                ? t
                : throw new CommandRefusedException($"'since' = '{sinceText}' is not a time; send RFC 3339, e.g. {{\"since\": \"2026-12-01T00:00:00Z\"}}");
        }

        var kinds = new List<CaptureKind>();
        foreach (string name in CommandFields.Texts(body, "kinds", 4, 16, required: false, "{\"kinds\": [\"ng\", \"uncertain\", \"ok\", \"error\"]}") ?? ["ng", "uncertain", "ok", "error"])
        {
            kinds.Add(CaptureKinds.TryParse(name, out var kind)
                ? kind
                : throw new CommandRefusedException($"unknown kind '{name}' in 'kinds'; use ng, uncertain, ok or error"));
        }

        int limit = CommandFields.Integer(body, "limit", 1, MaxLimit, required: false, "parts in one answer", "{\"limit\": 1000}") ?? 1000;
        var store = parts.Store;
        var held = store.List(since, kinds);
        var list = new JsonArray();
        foreach (var part in held.Take(limit))
        {
            list.Add(new JsonObject
            {
                ["id"] = part.Id,
                ["kind"] = part.Kind.Name(),
                ["ts"] = part.Ts,
                ["image"] = part.ImageFile,
                ["bytes"] = part.ImageBytes,
                ["sha256"] = part.Sha256,
                ["verdict"] = part.Verdict,
                ["score"] = part.Score,
                ["model_version"] = part.ModelVersion,
            });
        }

        return Task.FromResult(new JsonObject { ["ok"] = true, ["parts"] = list, ["more"] = held.Count > limit, ["held"] = store.Held });
    }
}

/// <summary>
/// cmd/capture-fetch <c>{"id": "...", "chunk_bytes": 131072, "from_chunk": 0}</c>: publishes the part's
/// image in chunks on <c>{device}/capture/chunk/{id}/{index}</c> (QoS 1, in order), then answers with
/// its size, SHA-256, chunk count and record. <c>from_chunk</c> resumes an interrupted fetch.
/// </summary>
public sealed class CaptureFetchCommand(CapturedParts parts, MqttLink link, Topics topics) : ICommandHandler
{
    public string Name => "capture-fetch";

    public bool Long => true;

    public int MaxPayloadBytes => 1024;

    public async Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        CommandFields.OnlyKnown(body, Name, "id", "chunk_bytes", "from_chunk");
        string id = CommandFields.Text(body, "id", 128, required: true, "{\"id\": \"line1-cell1-3f2a-118\"}")!;
        int chunkBytes = CommandFields.Integer(body, "chunk_bytes", 256, 128 * 1024, required: false, "bytes per chunk", "{\"chunk_bytes\": 131072}") ?? 128 * 1024;
        int fromChunk = CommandFields.Integer(body, "from_chunk", 0, int.MaxValue, required: false, "the first chunk to send", "{\"from_chunk\": 0}") ?? 0;
        var part = parts.Find(id);
        int chunks = (int)((part.ImageBytes + chunkBytes - 1) / chunkBytes);
        if (fromChunk > chunks)
        {
            throw new CommandRefusedException(string.Create(CultureInfo.InvariantCulture, $"'from_chunk' {fromChunk} is past the last chunk: {id} has {chunks} chunks of {chunkBytes} bytes"));
        }

        JsonNode? record;
        try
        {
            record = JsonNode.Parse(await File.ReadAllBytesAsync(Path.Combine(parts.Store.Directory, part.RecordFile), cancellationToken).ConfigureAwait(false));
            await using var image = new FileStream(Path.Combine(parts.Store.Directory, part.ImageFile), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            image.Position = (long)fromChunk * chunkBytes;
            for (int index = fromChunk; index < chunks; index++)
            {
                byte[] chunk = new byte[(int)Math.Min(chunkBytes, part.ImageBytes - image.Position)];
                await image.ReadExactlyAsync(chunk, cancellationToken).ConfigureAwait(false);
                await link.PublishNowAsync(new OutgoingMessage(topics.CaptureChunk(id, index), chunk), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandRefusedException($"captured part '{id}' cannot be read ({e.Message}); it may have just been evicted: list again with cmd/capture-list");
        }

        return new JsonObject
        {
            ["ok"] = true,
            ["id"] = id,
            ["bytes"] = part.ImageBytes,
            ["sha256"] = part.Sha256,
            ["chunk_bytes"] = chunkBytes,
            ["chunks"] = chunks,
            ["from_chunk"] = fromChunk,
            ["topic"] = topics.CaptureChunkPrefix + id + "/",
            ["record"] = record,
        };
    }
}

/// <summary>cmd/capture-ack <c>{"ids": ["...", "..."]}</c> (up to 1000): deletes parts the workstation has collected and verified.</summary>
public sealed class CaptureAckCommand(CapturedParts parts) : ICommandHandler
{
    public const int MaxIds = 1000;

    public string Name => "capture-ack";

    public bool Long => false;

    public int MaxPayloadBytes => 160 * 1024;

    public Task<JsonObject> HandleAsync(CommandRequest request, CancellationToken cancellationToken)
    {
        var body = request.Body;
        CommandFields.OnlyKnown(body, Name, "ids");
        var ids = CommandFields.Texts(body, "ids", MaxIds, 128, required: true, "{\"ids\": [\"line1-cell1-3f2a-118\"]} (at most 1000 per request)")!;
        var store = parts.Store;
        var missing = new JsonArray();
        int deleted = 0;
        foreach (string id in ids)
        {
            if (store.Remove(id))
            {
                deleted++;
            }
            else
            {
                missing.Add(id);
            }
        }

        return Task.FromResult(new JsonObject { ["ok"] = true, ["deleted"] = deleted, ["missing"] = missing, ["held"] = store.Held });
    }
}
