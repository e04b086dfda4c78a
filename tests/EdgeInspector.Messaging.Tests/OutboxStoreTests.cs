using System.Text;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Messaging.Tests;

public sealed class OutboxStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string FilePath => _dir.Combine("state", "outbox.db");

    private OutboxStore Open(long maxMessages = 1000, long maxBytes = 1L << 20, TimeProvider? time = null) =>
        OutboxStore.Open(new OutboxOptions { Path = FilePath, MaxMessages = maxMessages, MaxBytes = maxBytes }, NullLogger.Instance, time);

    private static DurableMessage Verdict(long seq, int size = 40) =>
        new(seq, new OutgoingMessage("t/dev/verdict", Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}".PadRight(size)), ContentType: "application/json", VerdictId: $"dev-x-{seq}"));

    private static List<StoredMessage> ReadAll(OutboxStore store)
    {
        var rows = new List<StoredMessage>();
        store.ReadAfter(0, rows, int.MaxValue);
        return rows;
    }

    [Fact]
    public void Rows_come_back_in_the_order_written_with_their_seq_and_properties()
    {
        using var store = Open();
        Assert.True(store.Append([Verdict(1), Verdict(2)]));
        Assert.True(store.Append([Verdict(3)]));

        var rows = ReadAll(store);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Seq));
        Assert.Equal("dev-x-2", rows[1].Message.VerdictId);
        Assert.Equal("application/json", rows[1].Message.ContentType);
        Assert.Equal("t/dev/verdict", rows[1].Message.Topic);
        Assert.StartsWith("{\"seq\":3}", Encoding.UTF8.GetString(rows[2].Message.Payload), StringComparison.Ordinal);
        Assert.Equal(3, store.Unacked);

        var after = new List<StoredMessage>();
        store.ReadAfter(rows[0].Id, after);
        Assert.Equal([2L, 3L], after.Select(r => r.Seq));
    }

    [Fact]
    public void Unacknowledged_verdicts_survive_a_reopen_and_acknowledged_ones_do_not()
    {
        using (var store = Open())
        {
            store.Append([Verdict(1), Verdict(2), Verdict(3)]);
            var rows = ReadAll(store);
            store.Acknowledge(rows[0].Id);
            store.Acknowledge(rows[1].Id);
            Assert.Equal(1, store.Unacked);
            store.Append([Verdict(4)]);
        }

        using var reopened = Open();
        Assert.Equal([3L, 4L], ReadAll(reopened).Select(r => r.Seq));
        Assert.Equal(2, reopened.Unacked);
        Assert.Equal(4, reopened.LastSeq);
    }

    [Fact]
    public void The_last_seq_survives_when_every_verdict_was_acknowledged()
    {
        using (var store = Open())
        {
            store.Append([Verdict(41), Verdict(42)]);
            foreach (var row in ReadAll(store))
            {
                store.Acknowledge(row.Id);
            }

            store.DeleteAcknowledged(TimeSpan.Zero);
            Assert.Empty(ReadAll(store));
        }

        using var reopened = Open();
        Assert.Empty(ReadAll(reopened));
        Assert.Equal(42, reopened.LastSeq);
    }

    [Fact]
    public void A_copy_of_the_files_taken_while_open_holds_every_committed_verdict()
    {
        // What a kill -9 or a crash leaves on disk: the database and its WAL, never closed.
        using var store = Open();
        for (long seq = 1; seq <= 50; seq++)
        {
            store.Append([Verdict(seq)]);
        }

        string crashed = _dir.Combine("crashed", "outbox.db");
        Directory.CreateDirectory(Path.GetDirectoryName(crashed)!);
        File.Copy(FilePath, crashed);
        File.Copy(FilePath + "-wal", crashed + "-wal");

        using var recovered = OutboxStore.Open(new OutboxOptions { Path = crashed }, NullLogger.Instance);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), ReadAll(recovered).Select(r => r.Seq));
        Assert.Equal(50, recovered.LastSeq);
    }

    [Fact]
    public void Beyond_max_messages_the_oldest_are_dropped_and_counted()
    {
        using var store = Open(maxMessages: 100);
        for (long seq = 1; seq <= 150; seq++)
        {
            store.Append([Verdict(seq)]);
        }

        var rows = ReadAll(store);
        Assert.Equal(Enumerable.Range(51, 100).Select(i => (long)i), rows.Select(r => r.Seq));
        Assert.Equal(50, store.Dropped);
        Assert.Equal(100, store.Unacked);
    }

    [Fact]
    public void Beyond_max_bytes_the_oldest_are_dropped_and_counted()
    {
        using var store = Open(maxBytes: 10_000);
        for (long seq = 1; seq <= 30; seq++)
        {
            store.Append([Verdict(seq, size: 1000)]);
        }

        var rows = ReadAll(store);
        Assert.Equal(10, rows.Count);
        Assert.Equal(21, rows[0].Seq);
        Assert.Equal(20, store.Dropped);
    }

    [Fact]
    public void A_dropped_row_the_pump_already_read_is_not_counted_twice_when_acknowledged()
    {
        using var store = Open(maxMessages: 100);
        store.Append([.. Enumerable.Range(1, 100).Select(i => Verdict(i))]);
        var inFlight = ReadAll(store)[0];
        store.Append([Verdict(101)]);
        store.Acknowledge(inFlight.Id);

        Assert.Equal(1, store.Dropped);
        Assert.Equal(100, store.Unacked);
    }

    [Fact]
    public void A_file_that_is_not_a_database_is_moved_aside_and_numbering_continues_from_the_clock()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        File.WriteAllText(FilePath, "this is not an SQLite database, it is what a bad flash block looks like");
        var time = new FixedTime(new DateTimeOffset(2026, 11, 23, 14, 3, 11, TimeSpan.Zero));

        using var store = Open(time: time);

        string aside = Assert.Single(Directory.GetFiles(Path.GetDirectoryName(FilePath)!, "outbox.db.corrupt-*"));
        Assert.EndsWith("outbox.db.corrupt-20261123T140311Z", aside, StringComparison.Ordinal);
        Assert.StartsWith("this is not", File.ReadAllText(aside), StringComparison.Ordinal);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), store.LastSeq);
        Assert.True(store.Append([Verdict(store.LastSeq + 1)]));
        Assert.Single(ReadAll(store));
    }

    [Fact]
    public void A_database_with_damaged_pages_is_moved_aside_and_a_fresh_one_works()
    {
        using (var store = Open())
        {
            for (long seq = 1; seq <= 200; seq++)
            {
                store.Append([Verdict(seq, size: 500)]);
            }
        }

        // Overwrite the middle of the file, past the header: pages that no longer parse.
        using (var file = new FileStream(FilePath, FileMode.Open, FileAccess.Write))
        {
            file.Position = file.Length / 2;
            file.Write(Enumerable.Repeat((byte)0xA5, 8192).ToArray());
        }

        using var reopened = Open();

        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(FilePath)!, "outbox.db.corrupt-*"), f => !f.EndsWith("-wal", StringComparison.Ordinal));
        Assert.Empty(ReadAll(reopened));
        Assert.True(reopened.Append([Verdict(reopened.LastSeq + 1)]));
    }

    [Fact]
    public void Only_the_two_newest_corrupt_files_are_kept()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        for (int day = 1; day <= 4; day++)
        {
            File.WriteAllText(FilePath, "garbage");
            using var store = Open(time: new FixedTime(new DateTimeOffset(2026, 11, day, 0, 0, 0, TimeSpan.Zero)));
        }

        var aside = Directory.GetFiles(Path.GetDirectoryName(FilePath)!, "outbox.db.corrupt-*").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(["outbox.db.corrupt-20261103T000000Z", "outbox.db.corrupt-20261104T000000Z"], aside);
    }

    [Fact]
    public void A_path_that_cannot_hold_a_file_says_so_and_what_to_fix()
    {
        File.WriteAllText(_dir.Combine("state"), "a file where the state directory should be");

        var e = Assert.Throws<OutboxUnavailableException>(() => Open());
        Assert.Contains(FilePath, e.Message, StringComparison.Ordinal);
        Assert.Contains("kept in memory", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public sealed class OutboxOptionsTests
{
    [Fact]
    public void A_bound_too_small_to_ride_out_an_outage_is_refused_at_start_naming_the_key()
    {
        var options = new MqttOptions();
        options.Outbox.MaxMessages = 5;

        var result = new MqttOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Outbox.MaxMessages", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_defaults_are_durable_and_valid()
    {
        var options = new MqttOptions();

        Assert.True(options.Outbox.Enabled);
        Assert.Equal(OutboxSynchronous.Normal, options.Outbox.Synchronous);
        Assert.True(new MqttOptionsValidator().Validate(null, options).Succeeded);
    }
}
