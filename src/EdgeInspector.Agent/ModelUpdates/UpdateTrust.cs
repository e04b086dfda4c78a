using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.ModelUpdates;

/// <summary>
/// What the device trusts for updates and rollbacks: the keys of Updates:TrustedKeys (or why none
/// can be used) and the nonces of the signed commands it has already carried out.
/// </summary>
public sealed class UpdateTrust : IDisposable
{
    private readonly TrustedKeys? _keys;
    private readonly string? _problem;

    public UpdateTrust(IOptions<UpdateOptions> options, ModelStore store, ILogger<UpdateTrust> logger)
    {
        Nonces = new CommandNonces(Path.Combine(store.StateDirectory, "command-nonces.json"));
        if (!options.Value.Enabled)
        {
            _problem = "updates are disabled on this device (Updates:Enabled)";
            return;
        }

        try
        {
            _keys = new TrustedKeys(options.Value.TrustedKeys);
            if (_keys.KeyIds.Count == 0)
            {
                _problem = "this device trusts no signing keys (set Updates:TrustedKeys)";
            }
        }
        catch (UpdateException e)
        {
            _problem = $"Updates:TrustedKeys: {e.Message}";
            Log.KeysUnusable(logger, e.Message);
        }
    }

    public CommandNonces Nonces { get; }

    /// <summary>The trusted keys; <see cref="UpdateException"/> saying why when there are none to use.</summary>
    public TrustedKeys Keys => _problem is null ? _keys! : throw new UpdateException(_problem);

    public void Dispose() => _keys?.Dispose();
}
