using EdgeInspector.Inference;

namespace EdgeInspector.Agent;

/// <summary>The model slot the pipeline serves from, once loaded; shared by the pipeline and the updater.</summary>
public sealed class ServingModel
{
    private ModelSlot? _slot;

    public ModelSlot? Slot
    {
        get => Volatile.Read(ref _slot);
        set => Volatile.Write(ref _slot, value);
    }
}
