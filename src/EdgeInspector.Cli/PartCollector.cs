using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using EdgeInspector.Messaging;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeInspector.Cli;

/// <summary>What collect asks for: which parts (since, kinds), where to, how the round is described, and whether to acknowledge.</summary>
public sealed record CollectRequest(string Device, string OutDirectory, DateTimeOffset? Since, IReadOnlyList<string> Kinds, string Description, bool Ack, int ChunkBytes, TimeSpan Timeout);

/// <summary>
/// What collect did: the round, its images, those received in this run (and their bytes), those
/// skipped because an earlier round has them, the parts deleted on the device, and those listed
/// but gone from the device (evicted or acknowledged) before they could be fetched.
/// </summary>
public sealed record CollectResult(string Round, int Images, int Received, long BytesReceived, int AlreadyCollected, int Acknowledged, int Gone)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Round}: {Images} images ({Received} received now, {BytesReceived} bytes; {AlreadyCollected} skipped, already in an earlier round){(Gone > 0 ? $"; {Gone} gone from the device before they were fetched" : "")}{(Acknowledged > 0 ? $"; {Acknowledged} deleted on the device" : "")}");
}

/// <summary>
/// The workstation side of docs/data-loop.md: lists a device's captured parts (cmd/capture-list),
/// pulls each image in chunks (cmd/capture-fetch; chunks on {device}/capture/chunk/{id}/{index})
/// into a collection round, resuming a partial file where it stopped and asking again after a
/// stall, checks each file's SHA-256, and with --ack deletes on the device what arrived (cmd/capture-ack).
/// </summary>
public sealed class PartCollector(BrokerConnection connection, string topicRoot, TextWriter progress, Action<int, int>? partsDone = null)
{
    /// <summary>No chunk for this long: the fetch is asked again from the first missing chunk.</summary>
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(5);

    private const int Attempts = 5;
    private const int AckBatch = 1000;

    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _replies = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private Download? _download;

    public async Task<CollectResult> RunAsync(CollectRequest request, CancellationToken cancellationToken)
    {
        var topics = new Topics(topicRoot, request.Device);
        // Under the device's root: the plant broker's ACL lets a device publish replies only there.
        string replyTopic = $"{topics.Device}/reply/collect-{Guid.NewGuid():N}";
        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            var message = e.ApplicationMessage;
            if (message.Topic == replyTopic && message.CorrelationData is { Length: > 0 } correlation
                && _replies.TryRemove(Convert.ToHexString(correlation), out var waiting))
            {
                waiting.TrySetResult(JsonNode.Parse(message.Payload.ToArray()) as JsonObject ?? []);
            }
            else if (message.Topic.StartsWith(topics.CaptureChunkPrefix, StringComparison.Ordinal))
            {
                Receive(message.Topic[topics.CaptureChunkPrefix.Length..], message.Payload);
            }

            return Task.CompletedTask;
        };

        try
        {
            await connection.ConnectAsync(client, "edge-inspector-collect", cancellationToken).ConfigureAwait(false);
            await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(replyTopic, MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(topics.CaptureChunkPrefix + "#", MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            return await CollectAsync(new DeviceCalls(client, topics, replyTopic, request.Timeout, _replies), request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                _download?.File.Dispose();
                _download = null;
            }

            if (client.IsConnected)
            {
                await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private async Task<CollectResult> CollectAsync(DeviceCalls device, CollectRequest request, CancellationToken cancellationToken)
    {
        var parts = await ListAsync(device, request, cancellationToken).ConfigureAwait(false);
        var earlier = CollectionRound.Collected(request.OutDirectory);
        if (parts.All(p => earlier.Contains(p.Id)) && !CollectionRound.Unfinished(request.OutDirectory, request.Device))
        {
            // Nothing new: no empty round; --ack may still delete what earlier rounds hold.
            progress.WriteLine($"{request.Device}: {parts.Count} captured parts listed, all in earlier rounds under {request.OutDirectory}");
            int deleted = request.Ack ? await AcknowledgeAsync(device, [.. parts.Select(p => p.Id)], cancellationToken).ConfigureAwait(false) : 0;
            return new CollectResult("(no new round)", 0, 0, 0, parts.Count, deleted, 0);
        }

        var round = CollectionRound.OpenOrCreate(request.OutDirectory, request.Device, request.Description, DateTimeOffset.UtcNow);
        progress.WriteLine($"{request.Device}: {parts.Count} captured parts listed; collecting into {round.Directory}");
        var arrived = new List<string>(parts.Count);
        int received = 0;
        int skipped = 0;
        int gone = 0;
        long bytes = 0;
        int done = 0;
        foreach (var part in parts)
        {
            partsDone?.Invoke(done++, parts.Count);
            if (earlier.Contains(part.Id))
            {
                skipped++;
            }
            else if (await FetchAsync(device, part, round.ImagePath(part.Verdict, part.Image), request.ChunkBytes, cancellationToken).ConfigureAwait(false) is { } got)
            {
                received += got > 0 ? 1 : 0;
                bytes += got;
            }
            else
            {
                gone++;
                continue;
            }

            arrived.Add(part.Id);
        }

        partsDone?.Invoke(parts.Count, parts.Count);
        int images = round.Finish();
        int acknowledged = request.Ack ? await AcknowledgeAsync(device, arrived, cancellationToken).ConfigureAwait(false) : 0;
        return new CollectResult(round.Directory, images, received, bytes, skipped, acknowledged, gone);
    }

    /// <summary>Every listed part, page by page (a page ends at its last part's time; parts already seen are not repeated).</summary>
    private static async Task<List<ListedPart>> ListAsync(DeviceCalls device, CollectRequest request, CancellationToken cancellationToken)
    {
        var parts = new List<ListedPart>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? since = request.Since;
        while (true)
        {
            var body = new JsonObject { ["kinds"] = new JsonArray([.. request.Kinds.Select(k => (JsonNode)k)]), ["limit"] = 1000 };
            if (since is { } s)
            {
                body["since"] = s.ToString("O", CultureInfo.InvariantCulture);
            }

            var answer = await device.CallAsync("capture-list", body, cancellationToken).ConfigureAwait(false);
            var page = answer["parts"]!.AsArray().Select(p => ListedPart.From(p!.AsObject())).ToList();
            parts.AddRange(page.Where(p => seen.Add(p.Id)));
            if (answer["more"]?.GetValue<bool>() != true || page.Count == 0 || page[^1].Ts == since)
            {
                return parts;
            }

            since = page[^1].Ts;
        }
    }

    /// <summary>
    /// Pulls one image into <paramref name="target"/> (via target.part, resumed at its last whole
    /// chunk) and checks its SHA-256. Returns the bytes received now: 0 when it was already
    /// complete, null when the device no longer holds it.
    /// </summary>
    private async Task<long?> FetchAsync(DeviceCalls device, ListedPart part, string target, int chunkBytes, CancellationToken cancellationToken)
    {
        if (File.Exists(target) && Sha256Of(target) == part.Sha256)
        {
            return 0;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        string partial = target + ".part";
        var file = new FileStream(partial, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        int next = (int)(file.Length / chunkBytes);
        long resumedAt = (long)next * chunkBytes;
        file.SetLength(resumedAt);
        file.Position = resumedAt;
        var download = new Download(part.Id, file, next);
        lock (_gate)
        {
            _download = download;
        }

        JsonObject? answer = null;
        try
        {
            for (int attempt = 1; attempt <= Attempts && !download.Complete; attempt++)
            {
                answer = await device.CallAsync("capture-fetch", new JsonObject { ["id"] = part.Id, ["chunk_bytes"] = chunkBytes, ["from_chunk"] = download.Next }, cancellationToken, refusalIsAnswer: true).ConfigureAwait(false);
                if (answer["error"] is { } gone)
                {
                    // Evicted or acknowledged since it was listed: nothing to collect.
                    progress.WriteLine($"{part.Id}: not collected: {gone.GetValue<string>()}");
                    answer = null;
                    break;
                }

                download.Expect(answer["chunks"]!.GetValue<int>());
                await download.WaitAsync(Stall, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            lock (_gate)
            {
                _download = null;
                file.Dispose();
            }
        }

        if (answer is null)
        {
            File.Delete(partial);
            return null;
        }

        if (!download.Complete)
        {
            throw new CliException($"{part.Id}: the device stopped sending after {download.Next} chunks ({Attempts} attempts); check that the broker lets the device publish on its capture/# topics (deploy/mosquitto/acl, docs/broker-security.md), then run collect again to resume");
        }

        if (Sha256Of(partial) != part.Sha256)
        {
            File.Delete(partial);
            throw new CliException($"{part.Id}: the received image's SHA-256 differs from the device's record; the partial file was removed, run collect again to fetch it anew");
        }

        await File.WriteAllTextAsync(Path.ChangeExtension(target, ".json"), answer["record"]!.ToJsonString(), cancellationToken).ConfigureAwait(false);
        File.Move(partial, target, overwrite: true);
        return part.Bytes - resumedAt;
    }

    /// <summary>A chunk on {device}/capture/chunk/{id}/{index}: appended when it is the next one of the part being fetched.</summary>
    private void Receive(string idAndIndex, ReadOnlySequence<byte> payload)
    {
        int slash = idAndIndex.LastIndexOf('/');
        if (slash <= 0 || !int.TryParse(idAndIndex.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            return;
        }

        lock (_gate)
        {
            if (_download is { } download && download.Id == idAndIndex[..slash])
            {
                download.Append(index, payload);
            }
        }
    }

    private static async Task<int> AcknowledgeAsync(DeviceCalls device, List<string> ids, CancellationToken cancellationToken)
    {
        int deleted = 0;
        foreach (var batch in ids.Chunk(AckBatch))
        {
            var answer = await device.CallAsync("capture-ack", new JsonObject { ["ids"] = new JsonArray([.. batch.Select(i => (JsonNode)i)]) }, cancellationToken).ConfigureAwait(false);
            deleted += answer["deleted"]!.GetValue<int>();
        }

        return deleted;
    }

    private static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>One part of cmd/capture-list's answer.</summary>
    private sealed record ListedPart(string Id, string Verdict, DateTimeOffset Ts, string Image, long Bytes, string Sha256)
    {
        public static ListedPart From(JsonObject p)
        {
            string id = (string)p["id"]!;
            string image = (string)p["image"]!;
            // The image name becomes a path here: only a plain file name.
            if (Path.GetFileName(image) != image || image.Contains("..", StringComparison.Ordinal) || image.StartsWith('.'))
            {
                throw new CliException($"the device listed part '{id}' with image '{image}', not a plain file name; is it an EdgeInspector agent?");
            }

            return new ListedPart(id, (string)p["verdict"]!, p["ts"]!.GetValue<DateTimeOffset>(), image, p["bytes"]!.GetValue<long>(), (string)p["sha256"]!);
        }
    }

    /// <summary>The part being fetched: its partial file and the next chunk it needs.</summary>
    private sealed class Download(string id, FileStream file, int next)
    {
        private readonly SemaphoreSlim _progress = new(0);
        private int _chunks = -1;

        public string Id { get; } = id;

        public FileStream File { get; } = file;

        public int Next { get; private set; } = next;

        public bool Complete => _chunks >= 0 && Next >= _chunks;

        public void Expect(int chunks)
        {
            _chunks = chunks;
            _progress.Release();
        }

        /// <summary>Under the collector's lock: in order only (QoS 1 from one publisher keeps order; a repeat or a gap is asked for again).</summary>
        public void Append(int index, ReadOnlySequence<byte> payload)
        {
            if (index != Next)
            {
                return;
            }

            foreach (var segment in payload)
            {
                File.Write(segment.Span);
            }

            Next++;
            _progress.Release();
        }

        /// <summary>Until complete, or no chunk came for <paramref name="stall"/>.</summary>
        public async Task WaitAsync(TimeSpan stall, CancellationToken cancellationToken)
        {
            while (!Complete && await _progress.WaitAsync(stall, cancellationToken).ConfigureAwait(false))
            {
            }
        }
    }

    /// <summary>Request and answer over MQTT 5: the device's cmd/{name}, the answer on our reply topic with the same correlation data.</summary>
    private sealed class DeviceCalls(IMqttClient client, Topics topics, string replyTopic, TimeSpan timeout, ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> replies)
    {
        /// <summary>The device's answer; a refusal (<c>{"error": ...}</c>) is a <see cref="CliException"/> unless <paramref name="refusalIsAnswer"/>.</summary>
        public async Task<JsonObject> CallAsync(string command, JsonObject body, CancellationToken cancellationToken, bool refusalIsAnswer = false)
        {
            byte[] correlation = Guid.NewGuid().ToByteArray();
            var answer = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
            replies[Convert.ToHexString(correlation)] = answer;
            var sent = await client.PublishAsync(
                new MqttApplicationMessageBuilder().WithTopic(topics.CommandPrefix + command).WithPayload(body.ToJsonString()).WithContentType("application/json")
                    .WithResponseTopic(replyTopic).WithCorrelationData(correlation).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                cancellationToken).ConfigureAwait(false);
            if (sent.ReasonCode is MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid)
            {
                throw new CliException($"the broker refused {topics.CommandPrefix + command}: {sent.ReasonCode} (only the workstation and tech identities may send commands, docs/broker-security.md)");
            }

            JsonObject reply;
            try
            {
                reply = await answer.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                replies.TryRemove(Convert.ToHexString(correlation), out _);
                throw new CliException(string.Create(CultureInfo.InvariantCulture, $"no answer to cmd/{command} within {timeout.TotalSeconds:0} s (is the agent running with device id '{topics.Device[(topics.Root.Length + 1)..]}' and topic root '{topics.Root}'?)"));
            }

            return reply["error"] is { } error && !refusalIsAnswer
                ? throw new CliException($"cmd/{command} refused: {error.GetValue<string>()}")
                : reply;
        }
    }
}
