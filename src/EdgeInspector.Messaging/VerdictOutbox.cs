using Microsoft.Extensions.Logging;

namespace EdgeInspector.Messaging;

/// <summary>
/// The durable outbox as the agent opens it at start, before the pipeline: the store (null when
/// disabled or unusable) and the seq of this run's first verdict. The outbox owns the verdict
/// sequence: above every verdict it ever held, so consumers that de-duplicate on device + seq
/// never mistake a new verdict for an old one; when the file cannot be read the clock (ms) stays
/// above it, as for a replaced file.
/// </summary>
public sealed class VerdictOutbox
{
    private VerdictOutbox(OutboxStore? store, long firstSeq, string? problem)
    {
        Store = store;
        FirstSeq = firstSeq;
        Problem = problem;
    }

    public OutboxStore? Store { get; }

    /// <summary>The seq of this run's first verdict.</summary>
    public long FirstSeq { get; }

    /// <summary>Why the durable outbox could not be opened (reported in status), or null.</summary>
    public string? Problem { get; }

    public static VerdictOutbox Open(OutboxOptions options, ILoggerFactory loggers, TimeProvider? time = null)
    {
        var logger = loggers.CreateLogger<VerdictOutbox>();
        if (!options.Enabled)
        {
            Log.OutboxDisabled(logger);
            return new VerdictOutbox(null, 1, null);
        }

        try
        {
            var store = OutboxStore.Open(options, loggers.CreateLogger<OutboxStore>());
            return new VerdictOutbox(store, store.LastSeq + 1, null);
        }
        catch (OutboxUnavailableException e)
        {
            long seq = (time ?? TimeProvider.System).GetUtcNow().ToUnixTimeMilliseconds();
            Log.OutboxUnavailable(logger, e.Message, seq);
            return new VerdictOutbox(null, seq, e.Message);
        }
    }
}
