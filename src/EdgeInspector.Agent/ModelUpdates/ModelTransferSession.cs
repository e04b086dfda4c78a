using System.Diagnostics;
using System.Globalization;
using EdgeInspector.Core;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.ModelUpdates;

/// <summary>
/// The device side of a pushed model update (docs/model-updates.md): admits an offer
/// (<see cref="OfferPolicy"/>), stores its chunks in staging with their hashes verified, resumes
/// where it stopped after a restart, installs the complete package atomically under models/ and
/// hands it to the <see cref="ModelActivator"/>. Every step is told on model/state.
/// </summary>
public sealed class ModelTransferSession : IDisposable
{
    private readonly UpdateOptions _options;
    private readonly ServingModelLoader _serving;
    private readonly UpdateTrust _trust;
    private readonly ModelStore _store;
    private readonly ModelActivator _activator;
    private readonly ModelStates _states;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private StagedTransfer? _transfer;
    private PackageLayout? _layout;
    private long _lastStateTicks;

    /// <summary>Refused offers and chunks can come in floods from any sender: one line a minute each.</summary>
    private readonly EdgeInspector.Messaging.Commands.ThrottledLog _refusals = new(TimeProvider.System, TimeSpan.FromMinutes(1));

    public ModelTransferSession(IOptions<UpdateOptions> options, ServingModelLoader serving, UpdateTrust trust, ModelStore store, ModelActivator activator, ModelStates states, ILogger<ModelTransferSession> logger)
    {
        _options = options.Value;
        _serving = serving;
        _trust = trust;
        _store = store;
        _activator = activator;
        _states = states;
        _logger = logger;
        if (_options.Enabled)
        {
            ResumeStaged();
        }
    }

    public bool Enabled => _options.Enabled;

    public async Task OnOfferAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            string transferId = UpdateOffer.TryTransferId(payload);
            UpdateOffer offer;
            PackageLayout layout;
            try
            {
                offer = UpdateOffer.Parse(payload);
                layout = Admit(offer);
            }
            catch (UpdateException e)
            {
                Reject(transferId, e.Message, null);
                return;
            }

            if (!_activator.Busy && ServesManifest(offer.Manifest))
            {
                // Pushed again after a push (or the agent) died late in an activation that did finish.
                DiscardTransfer(offer.TransferId);
                var m = layout.Manifest;
                _states.Publish(new UpdateState(offer.TransferId, UpdatePhase.Active, offer.ChunkCount, offer.ChunkCount, ChunkBitmap.Encode([.. Enumerable.Repeat(true, offer.ChunkCount)]), $"already serving {m.Name} v{m.Version}", m.Name, m.Version));
                return;
            }

            if (_transfer is { } same && same.Offer.TransferId == offer.TransferId)
            {
                // The pusher (re)connected: tell it where we stand so it sends only what is missing.
                if (same.Complete && _layout is { } resumed && _activator.TryStart(() => InstallAndActivateAsync(same, resumed, cancellationToken), out _))
                {
                    // Every chunk was stored before a restart: activate now.
                }
                else if (_states.Last is { } last && _activator.Busy)
                {
                    _states.Publish(last);
                }
                else
                {
                    PublishProgress(force: true);
                }

                return;
            }

            if (_activator.Busy)
            {
                Reject(offer.TransferId, $"another update ({_transfer?.Offer.TransferId}) is activating; offer again when it has finished", layout.Manifest);
                return;
            }

            _transfer?.Dispose();
            _store.ClearStaging();
            _transfer = StagedTransfer.Create(_store.StagingDirectory(offer.TransferId), offer);
            _layout = layout;
            Log.Offered(_logger, offer.TransferId, layout.Manifest.Name, layout.Manifest.Version, offer.TotalBytes, offer.ChunkCount);
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
            if (_transfer is not { } transfer || transfer.Offer.TransferId != transferId || transfer.Complete || _layout is not { } layout)
            {
                return;
            }

            var outcome = transfer.Accept(index, payload, sha256);
            switch (outcome)
            {
                case ChunkOutcome.Stored when transfer.Complete:
                    if (!_activator.TryStart(() => InstallAndActivateAsync(transfer, layout, cancellationToken), out _))
                    {
                        // A rollback is running: the pusher's next offer of this transfer starts the activation.
                        PublishProgress(force: true, reason: "every chunk is stored; a rollback is running, offer again to activate");
                    }

                    break;
                case ChunkOutcome.Stored:
                    PublishProgress(force: false);
                    break;
                case ChunkOutcome.Duplicate:
                    break;
                default:
                    if (_refusals.ShouldLog("chunk", out long chunksNotLogged))
                    {
                        Log.ChunkRefused(_logger, transferId, index, outcome.ToString(), chunksNotLogged);
                    }

                    PublishProgress(force: true, reason: string.Create(CultureInfo.InvariantCulture, $"chunk {index} refused ({outcome.Reason()}); resend it"));
                    break;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private PackageLayout Admit(UpdateOffer offer)
    {
        var keys = _trust.Keys;
        Directory.CreateDirectory(_store.StateDirectory);
        var device = new OfferContext(_serving.ServingPackage?.Manifest, ServesManifest(offer.Manifest), _options.MaxPackageBytes, new DriveInfo(_store.StateDirectory).AvailableFreeSpace, _store.StateDirectory);
        return OfferPolicy.Admit(offer, keys, device);
    }

    /// <summary>Whether <paramref name="manifest"/> is, byte for byte, the serving package's manifest.json.</summary>
    private bool ServesManifest(byte[] manifest) => _serving.ServingPackage?.Directory is { } directory && ModelStore.HasManifest(directory, manifest);

    private void DiscardTransfer(string transferId)
    {
        if (_transfer?.Offer.TransferId == transferId)
        {
            _transfer.Dispose();
            _transfer = null;
            _layout = null;
        }

        string staged = _store.StagingDirectory(transferId);
        if (Directory.Exists(staged))
        {
            Directory.Delete(staged, recursive: true);
        }
    }

    private async Task<string?> InstallAndActivateAsync(StagedTransfer transfer, PackageLayout layout, CancellationToken cancellationToken)
    {
        var m = layout.Manifest;
        string id = transfer.Offer.TransferId;
        var watch = Stopwatch.StartNew();
        PublishPhase(transfer, UpdatePhase.Verifying, null, m);
        string installed;
        try
        {
            installed = _store.Install(transfer, layout);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            string reason = e is UpdateException ? e.Message : $"install failed: {e.Message}";
            await FinishAsync(transfer, UpdatePhase.Rejected, reason, m).ConfigureAwait(false);
            return reason;
        }

        PublishPhase(transfer, UpdatePhase.Activating, null, m);
        string? failure = await _activator.ActivateAsync(installed, m, cancellationToken).ConfigureAwait(false);
        if (failure is null)
        {
            Log.Activated(_logger, id, m.Name, m.Version, watch.Elapsed.TotalSeconds);
        }

        await FinishAsync(transfer, failure is null ? UpdatePhase.Active : UpdatePhase.Rejected, failure, m).ConfigureAwait(false);
        return failure;
    }

    /// <summary>Removes the staging folder, then publishes the final state: a pusher that sees it finds nothing left behind.</summary>
    private async Task FinishAsync(StagedTransfer transfer, string phase, string? reason, ModelManifest m)
    {
        if (reason is not null)
        {
            Log.Rejected(_logger, transfer.Offer.TransferId, reason);
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
        if (!Directory.Exists(_store.StagingRoot))
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
            _states.Restore(State(transfer, UpdatePhase.Active, "activated before the agent restarted", done).ToJson());
            transfer.Dispose();
            _store.ClearStaging();
            return;
        }

        try
        {
            _layout = PackageLayout.FromManifest(transfer.Offer.Manifest);
            _transfer = transfer;
            _store.ClearStaging(transfer.Offer.TransferId);
            Log.Resumed(_logger, transfer.Offer.TransferId, transfer.Received, transfer.Offer.ChunkCount);
            _states.Restore(State(transfer, transfer.Received == 0 ? UpdatePhase.Offered : UpdatePhase.Receiving, "agent restarted; resend the missing chunks", _layout.Manifest).ToJson());
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

    private void PublishPhase(StagedTransfer transfer, string phase, string? reason, ModelManifest? m) => _states.Publish(State(transfer, phase, reason, m));

    private static UpdateState State(StagedTransfer transfer, string phase, string? reason, ModelManifest? m) =>
        new(transfer.Offer.TransferId, phase, transfer.Offer.ChunkCount, transfer.Received, transfer.Bitmap, reason, m?.Name, m?.Version);

    private void Reject(string transferId, string reason, ModelManifest? m)
    {
        if (_refusals.ShouldLog("offer", out long notLogged))
        {
            Log.OfferRefused(_logger, transferId, reason, notLogged);
        }

        _states.Publish(new UpdateState(transferId, UpdatePhase.Rejected, 0, 0, "", reason, m?.Name, m?.Version));
    }

    public void Dispose()
    {
        _transfer?.Dispose();
        _gate.Dispose();
    }
}
