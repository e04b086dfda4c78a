using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EdgeInspector.Messaging;
using EdgeInspector.Updates;
using MQTTnet;
using MQTTnet.Protocol;

namespace EdgeInspector.Cli;

/// <summary>What push ended with; <paramref name="ServedBefore"/> is the model version the device's retained status named before the push (null: no status).</summary>
public sealed record PushResult(string Device, string Model, int Version, string Phase, int Chunks, int Held, int Sent, double Seconds, string? Reason, int? ServedBefore = null);

/// <summary>Where and as whom push connects: the broker, optional username/password, and for mqtts:// the CA and the client certificate (mutual TLS).</summary>
public sealed record BrokerConnection(BrokerAddress Broker, string? Username = null, string? Password = null, MqttTlsOptions? Tls = null)
{
    /// <summary>Result phase when the broker's ACL denies this identity the offer, a chunk or the state subscription.</summary>
    public const string Refused = "refused";

    /// <summary>Connects <paramref name="client"/> (MQTT 5, clean start, client id {clientIdPrefix}-random); a failure is a <see cref="CliException"/> saying what to check.</summary>
    public async Task ConnectAsync(IMqttClient client, string clientIdPrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            var options = MqttClientSecurity.CleanClient(Broker, clientIdPrefix + "-" + Guid.NewGuid().ToString("N")[..8], Username, Password, Tls ?? new MqttTlsOptions());
            await client.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        }
        catch (MqttSecurityException e)
        {
            throw new CliException(e.Message, e);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException e)
        {
            string inner = e.InnerException is { } i && !e.Message.Contains(i.Message, StringComparison.Ordinal) ? $" ({i.Message})" : "";
            string hint = !Broker.UseTls ? ""
                : string.IsNullOrEmpty(Tls?.ClientCertificateFile) ? "; a broker that requires client certificates (docs/broker-security.md) drops clients without one: pass --cert and --key"
                : "; check that the broker trusts the CA of --cert and that --ca is the CA of the broker's certificate";
            throw new CliException($"cannot connect to the broker {Broker}: {e.Message}{inner}{hint}", e);
        }
    }
}

/// <summary>
/// The workstation side of docs/model-updates.md: offers a signed package to one device, sends
/// the chunks its retained model/state says it lacks (resending after a stall or a refused
/// chunk), and waits for active or rejected.
/// </summary>
public sealed class ModelPusher(string packageDirectory, BrokerConnection connection, string topicRoot, string device, int chunkBytes, TimeSpan timeout, TextWriter progress, Action<int, int>? chunksHeld = null)
{
    private readonly BrokerAddress broker = connection.Broker;

    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(4);

    public async Task<PushResult> RunAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        string manifestPath = Path.Combine(packageDirectory, "manifest.json");
        string signaturePath = Path.Combine(packageDirectory, PackageSignature.FileName);
        if (!File.Exists(manifestPath))
        {
            throw new CliException($"'{Path.GetFullPath(manifestPath)}' does not exist: --package must be a model package folder");
        }

        if (!File.Exists(signaturePath))
        {
            throw new CliException($"'{Path.GetFullPath(signaturePath)}' does not exist: sign the package first (edge-inspector sign --package {packageDirectory} --key private.pem)");
        }

        byte[] manifest = await File.ReadAllBytesAsync(manifestPath, cancellationToken).ConfigureAwait(false);
        byte[] signature = await File.ReadAllBytesAsync(signaturePath, cancellationToken).ConfigureAwait(false);
        PackageLayout layout;
        try
        {
            layout = PackageLayout.FromManifest(manifest);
        }
        catch (UpdateException e)
        {
            throw new CliException($"'{manifestPath}': {e.Message}", e);
        }

        int count = (int)((layout.TotalBytes + chunkBytes - 1) / chunkBytes);
        string transferId = Convert.ToHexStringLower(SHA256.HashData([.. manifest, .. signature]))[..16];
        var offer = new UpdateOffer(transferId, manifest, signature, layout.TotalBytes, chunkBytes, count);
        var topics = new Topics(topicRoot, device);
        var states = System.Threading.Channels.Channel.CreateUnbounded<UpdateState>();
        int sent = 0;
        int? servedBefore = null;
        PushResult Refused(string reason) => new(device, layout.Manifest.Name, layout.Manifest.Version, BrokerConnection.Refused, count, 0, sent, watch.Elapsed.TotalSeconds, reason);

        using var client = new MqttClientFactory().CreateMqttClient();
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == topics.Status)
            {
                // Only the retained status predates the offer: what a rollback of this push returns to.
                if (e.ApplicationMessage.Retain)
                {
                    servedBefore ??= StatusModelVersion(e.ApplicationMessage.Payload);
                }

                return Task.CompletedTask;
            }

            // The retained state is from before this push (an earlier attempt may have ended 'rejected'
            // for this very transfer id): only states the device publishes in answer to this run count.
            if (e.ApplicationMessage.Retain)
            {
                return Task.CompletedTask;
            }

            try
            {
                var state = UpdateState.Parse(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload));
                if (state.TransferId == transferId)
                {
                    states.Writer.TryWrite(state);
                }
            }
            catch (JsonException)
            {
            }

            return Task.CompletedTask;
        };

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var token = deadline.Token;
        UpdateState? last = null;
        try
        {
            await connection.ConnectAsync(client, "edge-inspector-push", token).ConfigureAwait(false);
            var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topics.ModelState, MqttQualityOfServiceLevel.AtLeastOnce).WithTopicFilter(topics.Status, MqttQualityOfServiceLevel.AtLeastOnce).Build(), token).ConfigureAwait(false);
            var grant = subscribed.Items.First().ResultCode;
            if (grant > MqttClientSubscribeResultCode.GrantedQoS2)
            {
                return Refused(Invariant($"the broker refused the subscription to {topics.ModelState}: {grant} (the broker's ACL does not let this identity read {device}'s model state; push as the workstation, docs/broker-security.md)"));
            }
            progress.WriteLine(Invariant($"offering {layout.Manifest.Name} v{layout.Manifest.Version} to {device}: {layout.TotalBytes} bytes in {count} chunks (transfer {transferId})"));
            while (true)
            {
                var offered = await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topics.ModelOffer).WithPayload(offer.ToJson()).WithContentType("application/json").WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), token).ConfigureAwait(false);
                if (NotAuthorized(offered))
                {
                    return Refused(Invariant($"the broker refused the offer on {topics.ModelOffer}: {offered.ReasonCode} (the broker's ACL does not let this identity offer models to {device}; push as the workstation, docs/broker-security.md)"));
                }

                last = await NextStateAsync(states.Reader, Stall * 2, token).ConfigureAwait(false) ?? last;
                if (last is null)
                {
                    continue;
                }

                Report(last, count);

                if (UpdatePhase.IsFinal(last.Phase))
                {
                    break;
                }

                if (last.Phase is UpdatePhase.Offered or UpdatePhase.Receiving)
                {
                    var missing = last.Missing();
                    byte[] buffer = new byte[chunkBytes];
                    foreach (int index in missing)
                    {
                        int length = offer.ChunkLength(index);
                        layout.Read(packageDirectory, (long)index * chunkBytes, buffer.AsSpan(0, length));
                        var chunk = buffer.AsMemory(0, length).ToArray();
                        var published = await client.PublishAsync(new MqttApplicationMessageBuilder()
                            .WithTopic(topics.ModelChunk(transferId, index))
                            .WithPayload(chunk)
                            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                            .WithUserProperty("sha256", Encoding.UTF8.GetBytes(Convert.ToHexStringLower(SHA256.HashData(chunk))).AsMemory())
                            .WithUserProperty("index", Encoding.UTF8.GetBytes(index.ToString(CultureInfo.InvariantCulture)).AsMemory())
                            .Build(), token).ConfigureAwait(false);
                        if (NotAuthorized(published))
                        {
                            return Refused(Invariant($"the broker refused chunk {index} on {topics.ModelChunk(transferId, index)}: {published.ReasonCode}"));
                        }

                        sent++;
                        while (states.Reader.TryRead(out var s))
                        {
                            last = s;
                            Report(last, count);
                        }
                    }
                }

                // Follow the device until it finishes, or until it goes quiet with chunks missing (then offer again: resume).
                while (!UpdatePhase.IsFinal(last.Phase))
                {
                    var next = await NextStateAsync(states.Reader, last.Phase is UpdatePhase.Verifying or UpdatePhase.Activating ? timeout : Stall, token).ConfigureAwait(false);
                    if (next is null)
                    {
                        break;
                    }

                    last = next;
                    Report(last, count);
                    if (last.Reason is { } reason && last.Phase == UpdatePhase.Receiving && reason.Contains("resend", StringComparison.Ordinal))
                    {
                        break;
                    }
                }

                if (UpdatePhase.IsFinal(last.Phase))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            string reason = last is null
                ? Invariant($"no answer from {device} within {timeout.TotalSeconds:0} s: the offer did not reach it (is the agent running with device id '{device}', Updates:Enabled and topic root '{topicRoot}', and may this identity publish {topics.ModelOffer}?)")
                : Invariant($"no final state within {timeout.TotalSeconds:0} s (last phase: {last.Phase})");
            return new PushResult(device, layout.Manifest.Name, layout.Manifest.Version, "timeout", count, last?.Received ?? 0, sent, watch.Elapsed.TotalSeconds, reason);
        }
        catch (MQTTnet.Exceptions.MqttCommunicationException e)
        {
            throw new CliException($"lost the broker {broker}: {e.Message}", e);
        }
        finally
        {
            if (client.IsConnected)
            {
                await client.DisconnectAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
            }
        }

        return new PushResult(device, layout.Manifest.Name, layout.Manifest.Version, last.Phase, count, last.Phase == UpdatePhase.Active ? count : last.Received, sent, watch.Elapsed.TotalSeconds, last.Reason, servedBefore);
    }

    private static int? StatusModelVersion(System.Buffers.ReadOnlySequence<byte> payload)
    {
        try
        {
            using var status = JsonDocument.Parse(payload);
            return status.RootElement.ValueKind == JsonValueKind.Object && status.RootElement.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object
                && model.TryGetProperty("version", out var version) && version.TryGetInt32(out int v) ? v : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool NotAuthorized(MqttClientPublishResult result) =>
        result.ReasonCode is MqttClientPublishReasonCode.NotAuthorized or MqttClientPublishReasonCode.TopicNameInvalid;

    private void Report(UpdateState state, int count)
    {
        if (chunksHeld is not null && state.Phase is UpdatePhase.Offered or UpdatePhase.Receiving)
        {
            // A live bar shows the count; only a reason (a refused or resent chunk) still needs a line.
            chunksHeld(state.Received, count);
            if (state.Reason is null)
            {
                return;
            }
        }

        string line = state.Phase is UpdatePhase.Offered or UpdatePhase.Receiving
            ? Invariant($"progress: device holds {state.Received}/{count} chunks ({100.0 * state.Received / Math.Max(1, count):F0} %)")
            : $"progress: {state.Phase}";
        progress.WriteLine(state.Reason is null || UpdatePhase.IsFinal(state.Phase) ? line : $"{line} ({state.Reason})");
    }

    private static async Task<UpdateState?> NextStateAsync(System.Threading.Channels.ChannelReader<UpdateState> reader, TimeSpan wait, CancellationToken token)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(token);
        quiet.CancelAfter(wait);
        try
        {
            return await reader.ReadAsync(quiet.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A one-row result table.</summary>
    public static void WriteTable(PushResult r, TextWriter output)
    {
        string[] head = ["device", "model", "version", "result", "chunks", "sent", "seconds", "reason"];
        string[] row = [r.Device, r.Model, r.Version.ToString(CultureInfo.InvariantCulture), r.Phase, Invariant($"{r.Held}/{r.Chunks}"), r.Sent.ToString(CultureInfo.InvariantCulture), Invariant($"{r.Seconds:F1}"), r.Reason ?? "-"];
        TextTable.Write(output, head, [row]);
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
