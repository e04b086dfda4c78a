namespace EdgeInspector.Inference;

/// <summary>
/// The model that serves, and the one waiting to take over. Loading happens elsewhere; the
/// inference stage calls <see cref="TakeOver"/> between two frames, so a swap never splits or
/// repeats a frame, and the old runner is disposed only once nothing uses it.
/// </summary>
public sealed class ModelSlot : IDisposable
{
    private ModelRunner? _current;
    private ModelRunner? _pending;

    public ModelSlot(ModelRunner initial) => _current = initial;

    /// <summary>Raised on the inference stage's thread after a swap.</summary>
    public event Action<ModelRunner>? Swapped;

    /// <summary>The runner serving now (read by status; only the inference stage runs it).</summary>
    public ModelRunner Current => Volatile.Read(ref _current) ?? throw new ObjectDisposedException(nameof(ModelSlot));

    /// <summary>Queues a loaded runner to take over at the next frame; replaces one not yet taken.</summary>
    public void Stage(ModelRunner next) => Interlocked.Exchange(ref _pending, next)?.Dispose();

    /// <summary>Swaps in the staged runner if there is one. Call only from the inference stage.</summary>
    public ModelRunner TakeOver()
    {
        var next = Interlocked.Exchange(ref _pending, null);
        if (next is null)
        {
            return Current;
        }

        var old = Interlocked.Exchange(ref _current, next);
        old?.Dispose();
        Swapped?.Invoke(next);
        return next;
    }

    public void Dispose()
    {
        Interlocked.Exchange(ref _pending, null)?.Dispose();
        Interlocked.Exchange(ref _current, null)?.Dispose();
    }
}
