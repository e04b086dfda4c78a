using System.Collections.Concurrent;

namespace EdgeInspector.Messaging.Commands;

/// <summary>
/// One log line per kind of problem per interval: a sender that repeats a bad command (or floods
/// on purpose) costs the journal one line a minute, with the count of those not written.
/// </summary>
public sealed class ThrottledLog(TimeProvider time, TimeSpan interval)
{
    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>Whether to write this one now; <paramref name="suppressed"/> is how many of its kind were not written since the last.</summary>
    public bool ShouldLog(string kind, out long suppressed)
    {
        var now = time.GetUtcNow();
        var window = _windows.GetOrAdd(kind, _ => new Window());
        lock (window)
        {
            if (window.Last is { } last && now - last < interval)
            {
                window.Suppressed++;
                suppressed = 0;
                return false;
            }

            suppressed = window.Suppressed;
            window.Suppressed = 0;
            window.Last = now;
            return true;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset? Last { get; set; }

        public long Suppressed { get; set; }
    }
}
