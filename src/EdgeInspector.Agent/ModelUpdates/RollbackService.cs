using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.ModelUpdates;

/// <summary>
/// Serves the previous package again: on a cmd/rollback signed by a trusted key for this device,
/// issued within <see cref="SignedRollback.MaxAge"/> and never seen before, or on its own when a
/// new model fails its probation (<see cref="ProbationWatch"/>).
/// </summary>
public sealed class RollbackService
{
    private readonly UpdateOptions _options;
    private readonly UpdateTrust _trust;
    private readonly ModelStore _store;
    private readonly ModelActivator _activator;
    private readonly ModelStates _states;
    private readonly ServingModelLoader _serving;
    private readonly AgentTelemetry _telemetry;
    private readonly ILogger _logger;

    public RollbackService(IOptions<UpdateOptions> options, UpdateTrust trust, ModelStore store, ModelActivator activator, ModelStates states, ServingModelLoader serving, AgentTelemetry telemetry, ProbationWatch probation, ILogger<RollbackService> logger)
    {
        _options = options.Value;
        _trust = trust;
        _store = store;
        _activator = activator;
        _states = states;
        _serving = serving;
        _telemetry = telemetry;
        _logger = logger;
        probation.Failed += reason => _ = AutoRollbackAsync(reason);
    }

    /// <summary>cmd/rollback: verifies the signed order, then rolls back (to its version, if it names one).</summary>
    public async Task<JsonObject> RollbackAsync(byte[] payload, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Error("updates are disabled on this device (Updates:Enabled)");
        }

        RollbackOrder order;
        try
        {
            var now = DateTimeOffset.UtcNow;
            order = SignedRollback.Verify(payload, _trust.Keys, _telemetry.DeviceId, now);
            _trust.Nonces.Check(order.Nonce, now);
        }
        catch (UpdateException e)
        {
            Log.RollbackRefused(_logger, e.Message);
            return Error(e.Message);
        }

        var result = await RollbackAsync("rolled back by signed command", order.ToVersion, () => _trust.Nonces.Use(order.Nonce, order.IssuedAt, DateTimeOffset.UtcNow), cancellationToken).ConfigureAwait(false);
        if (result["error"] is { } error)
        {
            Log.RollbackRefused(_logger, error.ToString());
        }

        return result;
    }

    private async Task AutoRollbackAsync(string reason)
    {
        Log.ProbationFailed(_logger, reason);
        var result = await RollbackAsync(reason, null, obey: null, CancellationToken.None).ConfigureAwait(false);
        if (result["error"] is { } error)
        {
            Log.AutoRollbackFailed(_logger, error.ToString());
        }
    }

    /// <summary><paramref name="obey"/> records a signed order's nonce once nothing stands in the rollback's way.</summary>
    private async Task<JsonObject> RollbackAsync(string why, int? toVersion, Action? obey, CancellationToken cancellationToken)
    {
        if (!_options.Enabled)
        {
            return Error("updates are disabled on this device (Updates:Enabled)");
        }

        if (!_activator.TryStart(() => RollbackNowAsync(why, toVersion, obey, cancellationToken), out var running))
        {
            return Error("an update is activating; try again when it has finished");
        }

        return await running.ConfigureAwait(false);
    }

    private async Task<JsonObject> RollbackNowAsync(string why, int? toVersion, Action? obey, CancellationToken cancellationToken)
    {
        if (_store.ReadPointer() is not { Previous: { } previous } pointer || !Directory.Exists(previous))
        {
            return Error("there is no previous model package to roll back to");
        }

        if (toVersion is { } to && PackageVersion(previous) is var kept && kept != to)
        {
            return Error($"v{to} is not on this device: it keeps only the previous package, v{kept} ({previous}); roll back without --to, or push a package signed with \"allow_downgrade\": true");
        }

        if (!_serving.TryGetSlot(out var slot))
        {
            return Error("the agent has not loaded its model yet");
        }

        try
        {
            obey?.Invoke();
        }
        catch (UpdateException e)
        {
            return Error(e.Message);
        }

        ModelIdentity identity;
        try
        {
            identity = await _activator.ServeAgainAsync(slot, previous, new ModelPointer(previous, pointer.Current), cancellationToken).ConfigureAwait(false);
        }
        catch (ModelPackageException e)
        {
            return Error($"the previous package cannot be loaded: {e.Message}");
        }

        Log.RolledBack(_logger, identity.Name, identity.Version, previous);
        _states.Publish(new UpdateState("rollback", UpdatePhase.RolledBack, 0, 0, "", $"{why}; serving {identity.Name} v{identity.Version}", identity.Name, identity.Version));
        return new JsonObject { ["ok"] = true, ["model"] = identity.Name, ["version"] = identity.Version, ["package"] = previous };
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

    private static JsonObject Error(string message) => new() { ["error"] = message };
}
