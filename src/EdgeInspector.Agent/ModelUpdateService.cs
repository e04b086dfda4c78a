using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Inference;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>
/// The device side of remote model updates (docs/model-updates.md): checks an offer (trusted
/// signature, newer version, size, free disk), stores chunks in staging with their hashes
/// verified, installs the complete package atomically under models/, loads it beside the
/// serving model, self-tests it on its golden images, stages it into the <see cref="ModelSlot"/>
/// and moves the models/current pointer. Anything that fails leaves the serving model alone.
/// </summary>
public sealed partial class ModelUpdateService : IDisposable
{
    private readonly UpdateOptions _options;
    private readonly ServingModel _serving;
    private readonly ModelLoader _loader;
    private readonly AgentTelemetry _telemetry;
    private readonly ILogger<ModelUpdateService> _logger;
    private readonly ProbationWatch _probation;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ModelStore? _store;
    private readonly TrustedKeys? _keys;
    private readonly string? _keysProblem;
    private readonly CommandNonces? _nonces;
    private StagedTransfer? _transfer;
    private PackageLayout? _layout;
    private Task _activation = Task.CompletedTask;
    private long _lastStateTicks;
    private byte[]? _lastState;

    public ModelUpdateService(IOptions<UpdateOptions> options, ServingModel serving, ModelLoader loader, AgentTelemetry telemetry, ProbationWatch probation, ILogger<ModelUpdateService> logger)
    {
        _options = options.Value;
        _probation = probation;
        probation.Failed += reason => _ = AutoRollbackAsync(reason);
        _serving = serving;
        _loader = loader;
        _telemetry = telemetry;
        _logger = logger;
        if (!_options.Enabled)
        {
            return;
        }

        _store = new ModelStore(_options.ResolveStateDirectory());
        _nonces = new CommandNonces(Path.Combine(_store.StateDirectory, "command-nonces.json"));
        try
        {
            _keys = new TrustedKeys(_options.TrustedKeys);
            if (_keys.KeyIds.Count == 0)
            {
                _keysProblem = "this device trusts no signing keys (set Updates:TrustedKeys)";
            }
        }
        catch (UpdateException e)
        {
            _keysProblem = $"Updates:TrustedKeys: {e.Message}";
            LogKeysUnusable(_logger, e.Message);
        }

        ResumeStaged();
    }

    public bool Enabled => _options.Enabled;

    /// <summary>Raised with every new model/state payload (publish it retained).</summary>
    public event Action<byte[]>? StateChanged;

    /// <summary>The last model/state payload, republished after a reconnect.</summary>
    public byte[]? LastState => Volatile.Read(ref _lastState);

    /// <summary>The package to serve at start: models/current when updates are on and it exists, else Model:Package.</summary>
    public string StartupPackage(string configured)
    {
        // A kill during install or activation leaves partial folders and unreferenced packages behind.
        _store?.RemoveInterrupted(configured);
        if (_store?.ReadPointer() is { } pointer && Directory.Exists(pointer.Current))
        {
            LogServingPointer(_logger, pointer.Current, _store.PointerPath);
            return pointer.Current;
        }

        // Model:Package may itself name a models folder holding a pointer.
        string pointerInConfigured = Path.Combine(configured, ModelStore.PointerFileName);
        if (File.Exists(pointerInConfigured) && ModelStore.ReadPointer(pointerInConfigured) is { } p && Directory.Exists(p.Current))
        {
            return p.Current;
        }

        return configured;
    }

    public async Task OnOfferAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string transferId = TryTransferId(payload);
            UpdateOffer offer;
            PackageLayout layout;
            try
            {
                offer = UpdateOffer.Parse(payload);
                layout = Check(offer);
            }
            catch (UpdateException e)
            {
                Reject(transferId, e.Message, null);
                return;
            }

            if (_activation.IsCompleted && ServesManifest(offer.Manifest))
            {
                // Pushed again after a push (or the agent) died late in an activation that did finish.
                DiscardTransfer(offer.TransferId);
                var m = layout.Manifest;
                Publish(new UpdateState(offer.TransferId, UpdatePhase.Active, offer.ChunkCount, offer.ChunkCount, ChunkBitmap.Encode([.. Enumerable.Repeat(true, offer.ChunkCount)]), $"already serving {m.Name} v{m.Version}", m.Name, m.Version).ToJson());
                return;
            }

            if (_transfer is { } same && same.Offer.TransferId == offer.TransferId)
            {
                // The pusher (re)connected: tell it where we stand so it sends only what is missing.
                if (same.Complete && _activation.IsCompleted && _layout is { } resumed)
                {
                    // Every chunk was stored before a restart: activate now.
                    _activation = Task.Run(() => ActivateAsync(same, resumed, cancellationToken), CancellationToken.None);
                }
                else if (_lastState is { } last && !_activation.IsCompleted)
                {
                    Publish(last);
                }
                else
                {
                    PublishProgress(force: true);
                }

                return;
            }

            if (!_activation.IsCompleted)
            {
                Reject(offer.TransferId, $"another update ({_transfer?.Offer.TransferId}) is activating; offer again when it has finished", layout.Manifest);
                return;
            }

            _transfer?.Dispose();
            _store!.ClearStaging();
            _transfer = StagedTransfer.Create(_store.StagingDirectory(offer.TransferId), offer);
            _layout = layout;
            LogOffered(_logger, offer.TransferId, layout.Manifest.Name, layout.Manifest.Version, offer.TotalBytes, offer.ChunkCount);
            PublishProgress(force: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task OnChunkAsync(string transferId, int index, byte[] payload, string? sha256, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_transfer is not { } transfer || transfer.Offer.TransferId != transferId || !_activation.IsCompleted || _layout is null)
            {
                return;
            }

            var outcome = transfer.Accept(index, payload, sha256);
            switch (outcome)
            {
                case ChunkOutcome.Stored when transfer.Complete:
                    var layout = _layout;
                    _activation = Task.Run(() => ActivateAsync(transfer, layout, cancellationToken), CancellationToken.None);
                    break;
                case ChunkOutcome.Stored:
                    PublishProgress(force: false);
                    break;
                case ChunkOutcome.Duplicate:
                    break;
                default:
                    LogChunkRefused(_logger, transferId, index, outcome.ToString());
                    PublishProgress(force: true, reason: string.Create(CultureInfo.InvariantCulture, $"chunk {index} refused ({ChunkReason(outcome)}); resend it"));
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// cmd/rollback: serve the previous package again, on a command signed by a trusted key for this
    /// device, issued within <see cref="SignedRollback.MaxAge"/>, and never seen before.
    /// </summary>
    public async Task<JsonObject> RollbackAsync(byte[] payload, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return Error("updates are disabled on this device (Updates:Enabled)");
        }

        RollbackOrder order;
        try
        {
            if (_keysProblem is not null)
            {
                throw new UpdateException(_keysProblem);
            }

            var now = DateTimeOffset.UtcNow;
            order = SignedRollback.Verify(payload, _keys!, _telemetry.DeviceId, now);
            _nonces!.Use(order.Nonce, order.IssuedAt, now);
        }
        catch (UpdateException e)
        {
            LogRollbackRefused(_logger, e.Message);
            return Error(e.Message);
        }

        return await RollbackAsync("rolled back by signed command", order.ToVersion, cancellationToken).ConfigureAwait(false);
    }

    private async Task AutoRollbackAsync(string reason)
    {
        LogProbationFailed(_logger, reason);
        var result = await RollbackAsync(reason, null, CancellationToken.None).ConfigureAwait(false);
        if (result["error"] is { } error)
        {
            LogAutoRollbackFailed(_logger, error.ToString());
        }
    }

    private async Task<JsonObject> RollbackAsync(string why, int? toVersion, CancellationToken cancellationToken)
    {
        if (_store is null)
        {
            return Error("updates are disabled on this device (Updates:Enabled)");
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_activation.IsCompleted)
            {
                return Error("an update is activating; try again when it has finished");
            }

            if (_store.ReadPointer() is not { Previous: { } previous } pointer || !Directory.Exists(previous))
            {
                return Error("there is no previous model package to roll back to");
            }

            if (toVersion is { } to && PackageVersion(previous) is var kept && kept != to)
            {
                return Error($"v{to} is not on this device: it keeps only the previous package, v{kept} ({previous}); roll back without --to, or push a package signed with \"allow_downgrade\": true");
            }

            if (_serving.Slot is not { } slot)
            {
                return Error("the agent has not loaded its model yet");
            }

            ModelRunner runner;
            try
            {
                runner = await Task.Run(() => _loader.Load(previous), cancellationToken).ConfigureAwait(false);
            }
            catch (ModelPackageException e)
            {
                return Error($"the previous package cannot be loaded: {e.Message}");
            }

            var identity = runner.Identity;
            await SwapAsync(slot, runner, cancellationToken).ConfigureAwait(false);
            _store.WritePointer(new ModelPointer(previous, pointer.Current));
            LogRolledBack(_logger, identity.Name, identity.Version, previous);
            Publish(new UpdateState("rollback", UpdatePhase.RolledBack, 0, 0, "", $"{why}; serving {identity.Name} v{identity.Version}", identity.Name, identity.Version).ToJson());
            return new JsonObject { ["ok"] = true, ["model"] = identity.Name, ["version"] = identity.Version, ["package"] = previous };
        }
        finally
        {
            _gate.Release();
        }
    }

    private static int? PackageVersion(string package)
    {
        try
        {
            return ModelPackage.ReadManifest(Path.Combine(package, ModelPackage.ManifestFileName)).Version;
        }
        catch (ModelPackageException)
        {
            return null;
        }
    }

    private PackageLayout Check(UpdateOffer offer)
    {
        if (_keysProblem is not null)
        {
            throw new UpdateException(_keysProblem);
        }

        _keys!.Verify(offer.Manifest, PackageSignature.Parse(offer.Signature));
        var layout = PackageLayout.FromManifest(offer.Manifest);
        var m = layout.Manifest;
        if (layout.TotalBytes != offer.TotalBytes)
        {
            throw new UpdateException($"offer says {offer.TotalBytes} bytes, the signed manifest lists {layout.TotalBytes}");
        }

        if (offer.TotalBytes > _options.MaxPackageBytes)
        {
            throw new UpdateException($"package is {offer.TotalBytes} bytes, Updates:MaxPackageBytes allows {_options.MaxPackageBytes}");
        }

        var serving = _serving.Slot?.Current.Package.Manifest ?? throw new UpdateException("the agent has not loaded its model yet; offer again when it is running");
        if (m.Name != serving.Name)
        {
            throw new UpdateException($"this device serves model '{serving.Name}'; the package is '{m.Name}'");
        }

        if (m.Version <= serving.Version && !AllowsDowngrade(offer.Manifest) && !ServesManifest(offer.Manifest))
        {
            throw new UpdateException($"version {m.Version} is not newer than the serving version {serving.Version} (a downgrade needs \"allow_downgrade\": true in the signed manifest, or cmd/rollback)");
        }

        Directory.CreateDirectory(_store!.StateDirectory);
        long free = new DriveInfo(_store.StateDirectory).AvailableFreeSpace;
        long needed = (2 * offer.TotalBytes) + (16L << 20);
        if (free < needed)
        {
            throw new UpdateException($"not enough free disk under {_store.StateDirectory}: {free} bytes free, {needed} needed (staging + install)");
        }

        return layout;
    }

    /// <summary>Whether <paramref name="manifest"/> is, byte for byte, the serving package's manifest.json.</summary>
    private bool ServesManifest(byte[] manifest)
    {
        string? directory = _serving.Slot?.Current.Package.Directory;
        return directory is not null && ModelStore.HasManifest(directory, manifest);
    }

    private void DiscardTransfer(string transferId)
    {
        if (_transfer?.Offer.TransferId == transferId)
        {
            _transfer.Dispose();
            _transfer = null;
            _layout = null;
        }

        string staged = _store!.StagingDirectory(transferId);
        if (Directory.Exists(staged))
        {
            Directory.Delete(staged, recursive: true);
        }
    }

    private static bool AllowsDowngrade(byte[] manifest)
    {
        try
        {
            return JsonNode.Parse(manifest)?["allow_downgrade"]?.GetValue<bool>() == true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private async Task ActivateAsync(StagedTransfer transfer, PackageLayout layout, CancellationToken cancellationToken)
    {
        var m = layout.Manifest;
        string id = transfer.Offer.TransferId;
        var watch = Stopwatch.StartNew();
        PublishPhase(transfer, UpdatePhase.Verifying, null, m);
        string installed;
        try
        {
            installed = _store!.Install(transfer, layout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await FinishAsync(transfer, UpdatePhase.Rejected, e is UpdateException ? e.Message : $"install failed: {e.Message}", m).ConfigureAwait(false);
            return;
        }

        PublishPhase(transfer, UpdatePhase.Activating, null, m);
        string? failure = await ActivateInstalledAsync(installed, m, cancellationToken).ConfigureAwait(false);
        if (failure is null)
        {
            LogActivated(_logger, id, m.Name, m.Version, watch.Elapsed.TotalSeconds);
        }

        await FinishAsync(transfer, failure is null ? UpdatePhase.Active : UpdatePhase.Rejected, failure, m).ConfigureAwait(false);
    }

    /// <summary>
    /// cmd/enroll: activates a package built on this device (models/{name}-v{version}, unsigned)
    /// exactly as a pushed one: load beside, golden self-test, swap, pointer, probation. Returns
    /// null when it serves, else the reason (the package is then deleted).
    /// </summary>
    public async Task<string?> ActivateLocalAsync(string installed, string stateId, CancellationToken cancellationToken)
    {
        var m = ModelPackage.ReadManifest(Path.Combine(installed, ModelPackage.ManifestFileName));
        Task<string?> activation;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_activation.IsCompleted)
            {
                Directory.Delete(installed, recursive: true);
                return "an update is activating; send cmd/enroll again when it has finished";
            }

            Publish(new UpdateState(stateId, UpdatePhase.Activating, 0, 0, "", null, m.Name, m.Version).ToJson());
            activation = ActivateInstalledAsync(installed, m, cancellationToken);
            _activation = activation;
        }
        finally
        {
            _gate.Release();
        }

        string? failure = await activation.ConfigureAwait(false);
        if (failure is not null)
        {
            LogRejected(_logger, stateId, failure);
        }

        Publish(new UpdateState(stateId, failure is null ? UpdatePhase.Active : UpdatePhase.Rejected, 0, 0, "", failure, m.Name, m.Version).ToJson());
        return failure;
    }

    /// <summary>Publishes a model/state that is not a transfer's (cmd/enroll's progress).</summary>
    public void PublishState(UpdateState state) => Publish(state.ToJson());

    /// <summary>Load beside, self-test, swap, pointer, probation; null when it serves, else why not (the serving model stays).</summary>
    private async Task<string?> ActivateInstalledAsync(string installed, ModelManifest m, CancellationToken cancellationToken)
    {
        var before = _telemetry.State;
        _telemetry.SetState(AgentState.Updating);
        ModelRunner? runner = null;
        try
        {
            try
            {
                runner = await Task.Run(() => _loader.Load(installed, _telemetry.SetModelLoad), cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _telemetry.SetModelLoad(null);
            }

            int golden = GoldenSelfTest.Run(runner);
            LogSelfTest(_logger, m.Name, m.Version, golden);
            var slot = _serving.Slot ?? throw new UpdateException("the agent has no model slot");
            string? previous = slot.Current.Package.Directory;
            await SwapAsync(slot, runner, cancellationToken).ConfigureAwait(false);
            runner = null;
            _store!.WritePointer(new ModelPointer(installed, previous));
            _store.Prune(installed, previous);
            RestoreState(before);
            _probation.Start(slot.Current.Identity);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever failed (a bad package, ONNX Runtime, a golden miss): the serving model stays.
            runner?.Dispose();
            if (_store!.ReadPointer()?.Current != installed)
            {
                Directory.Delete(installed, recursive: true);
            }

            RestoreState(before);
            return e.Message;
        }
    }

    /// <summary>Stages the runner and waits (bounded) until the inference stage has taken it over.</summary>
    private async Task SwapAsync(ModelSlot slot, ModelRunner runner, CancellationToken cancellationToken)
    {
        var swapped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwapped(ModelRunner r)
        {
            if (ReferenceEquals(r, runner))
            {
                swapped.TrySetResult();
            }
        }

        slot.Swapped += OnSwapped;
        try
        {
            slot.Stage(runner);
            await swapped.Task.WaitAsync(_options.SwapTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // No frame came (idle line): the staged model takes over at the next part.
            LogSwapPending(_logger, _options.SwapTimeout.TotalSeconds);
        }
        finally
        {
            slot.Swapped -= OnSwapped;
        }
    }

    private void RestoreState(AgentState before)
    {
        if (_telemetry.State == AgentState.Updating)
        {
            _telemetry.SetState(before == AgentState.Updating ? AgentState.Running : before);
        }
    }

    /// <summary>Removes the staging folder, then publishes the final state: a pusher that sees it finds nothing left behind.</summary>
    private async Task FinishAsync(StagedTransfer transfer, string phase, string? reason, ModelManifest m)
    {
        if (reason is not null)
        {
            LogRejected(_logger, transfer.Offer.TransferId, reason);
        }

        await _gate.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(_transfer, transfer))
            {
                _transfer = null;
                _layout = null;
            }

            transfer.Dispose();
            Directory.Delete(transfer.Directory, recursive: true);
        }
        finally
        {
            _gate.Release();
        }

        PublishPhase(transfer, phase, reason, m);
    }

    private void ResumeStaged()
    {
        if (!Directory.Exists(_store!.StagingRoot))
        {
            return;
        }

        var newest = new DirectoryInfo(_store.StagingRoot).GetDirectories().OrderByDescending(d => d.LastWriteTimeUtc).FirstOrDefault();
        if (newest is null || StagedTransfer.Open(newest.FullName) is not { } transfer)
        {
            _store.ClearStaging();
            return;
        }

        if (_store.ReadPointer() is { } pointer && ModelStore.HasManifest(pointer.Current, transfer.Offer.Manifest))
        {
            // Killed after the pointer moved but before staging was cleared: the update is done.
            var done = PackageLayout.FromManifest(transfer.Offer.Manifest).Manifest;
            _lastState = State(transfer, UpdatePhase.Active, "activated before the agent restarted", done).ToJson();
            transfer.Dispose();
            _store.ClearStaging();
            return;
        }

        try
        {
            _layout = PackageLayout.FromManifest(transfer.Offer.Manifest);
            _transfer = transfer;
            _store.ClearStaging(transfer.Offer.TransferId);
            LogResumed(_logger, transfer.Offer.TransferId, transfer.Received, transfer.Offer.ChunkCount);
            _lastState = State(transfer, transfer.Received == 0 ? UpdatePhase.Offered : UpdatePhase.Receiving, "agent restarted; resend the missing chunks", _layout.Manifest).ToJson();
        }
        catch (UpdateException)
        {
            transfer.Dispose();
            _store.ClearStaging();
        }
    }

    private void PublishProgress(bool force, string? reason = null)
    {
        var transfer = _transfer!;
        long now = Stopwatch.GetTimestamp();
        if (!force && transfer.Received % 8 != 0 && Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastStateTicks), now) < TimeSpan.FromMilliseconds(500))
        {
            return;
        }

        Interlocked.Exchange(ref _lastStateTicks, now);
        PublishPhase(transfer, transfer.Received == 0 ? UpdatePhase.Offered : UpdatePhase.Receiving, reason, _layout?.Manifest);
    }

    private void PublishPhase(StagedTransfer transfer, string phase, string? reason, ModelManifest? m) => Publish(State(transfer, phase, reason, m).ToJson());

    private static UpdateState State(StagedTransfer transfer, string phase, string? reason, ModelManifest? m) =>
        new(transfer.Offer.TransferId, phase, transfer.Offer.ChunkCount, transfer.Received, transfer.Bitmap, reason, m?.Name, m?.Version);

    private void Reject(string transferId, string reason, ModelManifest? m)
    {
        LogRejected(_logger, transferId, reason);
        Publish(new UpdateState(transferId, UpdatePhase.Rejected, 0, 0, "", reason, m?.Name, m?.Version).ToJson());
    }

    private void Publish(byte[] state)
    {
        Volatile.Write(ref _lastState, state);
        StateChanged?.Invoke(state);
    }

    private static string TryTransferId(byte[] payload)
    {
        try
        {
            return (string?)JsonNode.Parse(payload)?["transfer_id"] ?? "";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return "";
        }
    }

    private static string ChunkReason(ChunkOutcome outcome) => outcome switch
    {
        ChunkOutcome.BadHash => "its SHA-256 does not match its sha256 property",
        ChunkOutcome.BadSize => "wrong size for its index",
        _ => "index outside the offer",
    };

    private static JsonObject Error(string message) => new() { ["error"] = message };

    public void Dispose()
    {
        _transfer?.Dispose();
        _keys?.Dispose();
        _gate.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Model updates cannot verify signatures: {Reason}")]
    private static partial void LogKeysUnusable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving {Package} (from {Pointer})")]
    private static partial void LogServingPointer(ILogger logger, string package, string pointer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {Transfer}: {Name} v{Version} offered, {Bytes} bytes in {Chunks} chunks")]
    private static partial void LogOffered(ILogger logger, string transfer, string name, int version, long bytes, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Update {Transfer}: chunk {Index} refused ({Outcome})")]
    private static partial void LogChunkRefused(ILogger logger, string transfer, int index, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Update {Transfer} rejected: {Reason}")]
    private static partial void LogRejected(ILogger logger, string transfer, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Self-test of {Name} v{Version}: {Golden} golden images passed")]
    private static partial void LogSelfTest(ILogger logger, string name, int version, int golden);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {Transfer}: {Name} v{Version} active after {Seconds:F1} s")]
    private static partial void LogActivated(ILogger logger, string transfer, string name, int version, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No frame within {Seconds} s: the new model takes over at the next part")]
    private static partial void LogSwapPending(ILogger logger, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {Transfer} resumed after restart: {Received}/{Chunks} chunks held")]
    private static partial void LogResumed(ILogger logger, string transfer, int received, int chunks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rolled back to {Name} v{Version} ({Package})")]
    private static partial void LogRolledBack(ILogger logger, string name, int version, string package);

    [LoggerMessage(Level = LogLevel.Warning, Message = "cmd/rollback refused: {Reason}")]
    private static partial void LogRollbackRefused(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "New model failed its probation: {Reason}")]
    private static partial void LogProbationFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Automatic rollback failed: {Reason}")]
    private static partial void LogAutoRollbackFailed(ILogger logger, string reason);
}
