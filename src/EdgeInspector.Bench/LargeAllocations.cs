using System.Diagnostics.Tracing;

namespace EdgeInspector.Bench;

/// <summary>
/// Counts the runtime's large-object-heap allocation samples (GCAllocationTick, one per ~100 kB
/// allocated on the LOH) while <see cref="Counting"/>: zero means no frame-sized array was allocated.
/// </summary>
internal sealed class LargeAllocations : EventListener
{
    private const int AllocationTickEventId = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _types = new();
    private long _ticks;
    private long _bytes;

    /// <summary>Samples per allocated type ("Byte[]": 17), most first: what allocates on the LOH.</summary>
    public string Types => string.Join(", ", _types.OrderByDescending(t => t.Value).Select(t => $"{t.Key}: {t.Value}"));

    /// <summary>Counts only from now on (after warm-up: pools and channels filled).</summary>
    public volatile bool Counting;

    public long Ticks => Interlocked.Read(ref _ticks);

    public long Bytes => Interlocked.Read(ref _bytes);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!Counting || eventData.EventId != AllocationTickEventId || eventData.Payload is null || eventData.PayloadNames is null)
        {
            return;
        }

        int kind = eventData.PayloadNames.IndexOf("AllocationKind");
        if (kind >= 0 && Convert.ToUInt32(eventData.Payload[kind], System.Globalization.CultureInfo.InvariantCulture) == 1)
        {
            Interlocked.Increment(ref _ticks);
            int type = eventData.PayloadNames.IndexOf("TypeName");
            _types.AddOrUpdate(type >= 0 ? eventData.Payload[type]?.ToString() ?? "?" : "?", 1, (_, n) => n + 1);
            int amount = eventData.PayloadNames.IndexOf("AllocationAmount64");
            if (amount >= 0)
            {
                Interlocked.Add(ref _bytes, Convert.ToInt64(eventData.Payload[amount], System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
