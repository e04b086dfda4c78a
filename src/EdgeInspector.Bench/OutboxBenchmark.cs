using System.Diagnostics;
using EdgeInspector.Messaging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Bench;

/// <summary>
/// The durable outbox on this disk: verdict-sized messages written one transaction each and
/// acknowledged as the pump does (a steady line with the broker up), for each synchronous level.
/// </summary>
internal static class OutboxBenchmark
{
    public static void Run(int messages)
    {
        byte[] verdict = new byte[900];
        Array.Fill(verdict, (byte)'x');
        Console.WriteLine($"durable outbox, {messages} verdicts of {verdict.Length} B, one transaction each, in {Path.GetTempPath()}");
        foreach (var level in Enum.GetValues<OutboxSynchronous>())
        {
            using var dir = new BenchDirectory();
            using var store = OutboxStore.Open(new OutboxOptions { Path = Path.Combine(dir.Path, "outbox.db"), Synchronous = level }, NullLogger.Instance);
            var message = new OutgoingMessage("edgeinspector/bench/verdict", verdict, ContentType: "application/json", VerdictId: "bench");
            var batch = new DurableMessage[1];
            var rows = new List<StoredMessage>();
            long cursor = 0;
            long written = WrittenBytes();
            long start = Stopwatch.GetTimestamp();
            for (long seq = 1; seq <= messages; seq++)
            {
                batch[0] = new DurableMessage(seq, message);
                store.Append(batch);
                rows.Clear();
                store.ReadAfter(cursor, rows);
                foreach (var row in rows)
                {
                    store.Acknowledge(row.Id);
                    cursor = row.Id;
                }
            }

            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            double perVerdict = (WrittenBytes() - written) / (double)messages;
            Console.WriteLine($"synchronous={level,-7} append+read+ack {messages / seconds,9:0} msgs/s  ({seconds * 1e6 / messages:0} us each; {perVerdict / 1024:0.0} KiB written per verdict, {perVerdict * 30 * 86400 / 1e9:0.0} GB/day at 30/s)");
        }
    }

    /// <summary>Bytes this process passed to write(2) (WAL appends and checkpoints), from /proc/self/io.</summary>
    private static long WrittenBytes()
    {
        foreach (string line in File.ReadLines("/proc/self/io"))
        {
            if (line.StartsWith("wchar:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }
}
