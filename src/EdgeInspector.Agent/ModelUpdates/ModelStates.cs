using EdgeInspector.Updates;

namespace EdgeInspector.Agent.ModelUpdates;

/// <summary>
/// The retained model/state (docs/model-updates.md): where a transfer, an enrollment or a
/// rollback stands. Transfers, enrollment and rollback write it; the MQTT model-transfer endpoint
/// publishes every change and the last one after each reconnect.
/// </summary>
public sealed class ModelStates
{
    private byte[]? _last;

    /// <summary>Raised with every new model/state payload (publish it retained).</summary>
    public event Action<byte[]>? Changed;

    /// <summary>The last model/state payload, republished after a reconnect.</summary>
    public byte[]? Last => Volatile.Read(ref _last);

    public void Publish(UpdateState state) => Publish(state.ToJson());

    public void Publish(byte[] state)
    {
        Volatile.Write(ref _last, state);
        Changed?.Invoke(state);
    }

    /// <summary>Remembers a state found at start (a resumed transfer) for the first connect, without raising <see cref="Changed"/>.</summary>
    public void Restore(byte[] state) => Volatile.Write(ref _last, state);
}
