using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Messaging;

/// <summary>A verdict on its way to the broker, numbered by the device's verdict sequence.</summary>
public readonly record struct DurableMessage(long Seq, OutgoingMessage Message);

/// <summary>A row of the durable outbox: its position in the file and the message.</summary>
public readonly record struct StoredMessage(long Id, long Seq, OutgoingMessage Message);

/// <summary>
/// The durable lane of the outbox: verdicts in a SQLite file (WAL) from the moment they are
/// decided until the broker acknowledges them, so they survive a restart, a crash or a power cut
/// while the broker is away. Rows are read back in the order they were written. The file is
/// bounded (oldest dropped and counted), an unreadable file is moved aside and replaced, and a
/// full disk drops what cannot be written: the line never waits for, or stops because of, it.
/// It also remembers the highest verdict seq it ever held, so numbering continues after a restart.
/// One writer and one reader (the link's tasks) share it under a lock; every call is short.
/// Long on purpose: one SQLite file's schema, bounds, WAL settings and recovery, whose statements
/// share the connection and its prepared commands.
/// </summary>
public sealed partial class OutboxStore : IDisposable
{
    private const int ReadBatch = 64;

    /// <summary>At the bound every new verdict drops an old one: say so once a minute, not 30 times a second.</summary>
    private static readonly TimeSpan DropLogInterval = TimeSpan.FromMinutes(1);

    private readonly OutboxOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private SqliteConnection _db = null!;
    private SqliteCommand _insert = null!;
    private SqliteCommand _readAfter = null!;
    private SqliteCommand _deleteThrough = null!;
    private SqliteCommand _saveLastSeq = null!;
    private SqliteCommand _oldest = null!;
    private long _nextId;
    private long _rows;
    private long _bytes;
    private long _unacked;
    private long _ackedThrough;
    private long _deletedThrough;
    private long _lastSeq;
    private long _dropped;
    private long _lastAppend;
    private long _lastDropLog;
    private bool _failing;
    private bool _broken;

    private OutboxStore(OutboxOptions options, ILogger logger, TimeProvider time)
    {
        _options = options;
        _logger = logger;
        _time = time;
        FilePath = System.IO.Path.GetFullPath(options.Path ?? throw new ArgumentException("Mqtt:Outbox:Path is not set.", nameof(options)));
    }

    public string FilePath { get; }

    /// <summary>The highest verdict seq this device ever put in the outbox: the next verdict is numbered above it.</summary>
    public long LastSeq
    {
        get
        {
            lock (_gate)
            {
                return _lastSeq;
            }
        }
    }

    /// <summary>Verdicts written and not yet acknowledged by the broker.</summary>
    public long Unacked
    {
        get
        {
            lock (_gate)
            {
                return _unacked;
            }
        }
    }

    /// <summary>Verdicts dropped: the oldest beyond the bound, or a batch the disk refused (full, I/O error).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Opens (or creates) the file. One that cannot be read as an outbox is moved aside as
    /// {file}.corrupt-{timestamp} and a fresh one starts, numbering verdicts from the clock so
    /// they stay above those the lost file held. Throws <see cref="OutboxUnavailableException"/>
    /// when not even a fresh file can be made (read-only or full disk, no permission).
    /// </summary>
    public static OutboxStore Open(OutboxOptions options, ILogger logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = new OutboxStore(options, logger, time ?? TimeProvider.System);
        try
        {
            try
            {
                store.OpenFile();
            }
            catch (Exception e) when (IsUnreadable(e))
            {
                store.Replace(e.Message);
            }
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            store.Dispose();
            throw new OutboxUnavailableException($"The durable outbox {store.FilePath} cannot be opened ({e.Message}); verdicts are kept in memory only until this is fixed (free the disk or fix the permissions of the state directory, then restart the agent).", e);
        }

        Log.Opened(logger, store.FilePath, store._unacked, store._lastSeq, options.Synchronous.ToString());
        return store;
    }

    /// <summary>Writes a batch in one transaction, after deleting what the broker acknowledged. False when the disk refused it (counted as dropped).</summary>
    public bool Append(IReadOnlyList<DurableMessage> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        lock (_gate)
        {
            if (_broken || !Recover(() => TryAppend(batch), out bool written))
            {
                Interlocked.Add(ref _dropped, batch.Count);
                return false;
            }

            return written;
        }
    }

    /// <summary>Up to <paramref name="max"/> rows after <paramref name="afterId"/>, oldest first, into <paramref name="into"/>.</summary>
    public void ReadAfter(long afterId, List<StoredMessage> into, int max = ReadBatch)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_gate)
        {
            // Nothing written past the cursor: no query (the pump asks before every memory message).
            if (!_broken && afterId < _nextId - 1)
            {
                Recover(() => Read(afterId, into, max), out _);
            }
        }
    }

    /// <summary>
    /// The broker acknowledged the row (ids are acknowledged in order). The delete is folded
    /// into the next write, so a steady line costs one transaction per verdict, not two.
    /// </summary>
    public void Acknowledge(long id)
    {
        lock (_gate)
        {
            // Rows dropped for the bound count as acknowledged already, so they are not counted twice.
            if (id > _ackedThrough)
            {
                _ackedThrough = id;
                _unacked--;
            }
        }
    }

    /// <summary>Deletes acknowledged rows when nothing was written for <paramref name="idle"/> (the line stopped, the last verdicts went out).</summary>
    public void DeleteAcknowledged(TimeSpan idle)
    {
        lock (_gate)
        {
            if (_broken || _ackedThrough <= _deletedThrough || _time.GetElapsedTime(_lastAppend) < idle)
            {
                return;
            }

            try
            {
                using var transaction = _db.BeginTransaction();
                DeleteThrough(transaction, _ackedThrough);
                // The row holding the highest seq may be gone now: keep the number for the next start.
                _saveLastSeq.Transaction = transaction;
                _saveLastSeq.Parameters[0].Value = _lastSeq;
                _saveLastSeq.ExecuteNonQuery();
                transaction.Commit();
            }
            catch (SqliteException e)
            {
                // Acknowledged rows that stay are sent again after a restart: a duplicate, not a loss.
                Log.DeleteFailed(_logger, FilePath, e.Message);
                Recount();
            }
        }
    }

    private bool Read(long afterId, List<StoredMessage> into, int max)
    {
        _readAfter.Parameters[0].Value = afterId;
        _readAfter.Parameters[1].Value = max;
        using var reader = _readAfter.ExecuteReader();
        while (reader.Read())
        {
            var message = new OutgoingMessage(
                reader.GetString(2),
                (byte[])reader.GetValue(5),
                ContentType: reader.IsDBNull(3) ? null : reader.GetString(3),
                VerdictId: reader.IsDBNull(4) ? null : reader.GetString(4));
            into.Add(new StoredMessage(reader.GetInt64(0), reader.GetInt64(1), message));
        }

        return true;
    }

    private bool TryAppend(IReadOnlyList<DurableMessage> batch)
    {
        long firstId = _nextId;
        try
        {
            using var transaction = _db.BeginTransaction();
            if (_ackedThrough > _deletedThrough)
            {
                DeleteThrough(transaction, _ackedThrough);
            }

            _insert.Transaction = transaction;
            long seq = _lastSeq;
            long bytes = 0;
            foreach (var (s, message) in batch)
            {
                _insert.Parameters[0].Value = _nextId++;
                _insert.Parameters[1].Value = s;
                _insert.Parameters[2].Value = message.Topic;
                _insert.Parameters[3].Value = (object?)message.ContentType ?? DBNull.Value;
                _insert.Parameters[4].Value = (object?)message.VerdictId ?? DBNull.Value;
                _insert.Parameters[5].Value = message.Payload;
                _insert.ExecuteNonQuery();
                seq = Math.Max(seq, s);
                bytes += message.Payload.Length;
            }

            _rows += batch.Count;
            _bytes += bytes;
            _unacked += batch.Count;
            // Acknowledged rows were deleted above: every row left is unacknowledged.
            long dropped = DropOldestBeyondBound(transaction);
            transaction.Commit();
            _lastSeq = seq;
            _lastAppend = _time.GetTimestamp();
            if (dropped > 0)
            {
                Interlocked.Add(ref _dropped, dropped);
                if (_lastDropLog == 0 || _time.GetElapsedTime(_lastDropLog) >= DropLogInterval)
                {
                    _lastDropLog = _time.GetTimestamp();
                    Log.DroppedOldest(_logger, _options.MaxMessages, _options.MaxBytes, Dropped);
                }
            }

            if (_failing)
            {
                _failing = false;
                Log.WritesResumed(_logger, FilePath, Dropped);
            }

            return true;
        }
        catch (SqliteException e) when (!IsUnreadable(e))
        {
            _nextId = firstId;
            Interlocked.Add(ref _dropped, batch.Count);
            if (!_failing)
            {
                _failing = true;
                Log.DiskRefused(_logger, FilePath, batch.Count, e.Message);
            }

            Recount();
            return false;
        }
    }

    /// <summary>Deletes the oldest rows until the file is within Mqtt:Outbox:MaxMessages and MaxBytes; returns how many.</summary>
    private long DropOldestBeyondBound(SqliteTransaction transaction)
    {
        long dropped = 0;
        long through = _deletedThrough;
        _oldest.Transaction = transaction;
        while (_rows > _options.MaxMessages || _bytes > _options.MaxBytes)
        {
            _oldest.Parameters[0].Value = through;
            using (var reader = _oldest.ExecuteReader())
            {
                long rows = _rows;
                long bytes = _bytes;
                while ((rows > _options.MaxMessages || bytes > _options.MaxBytes) && reader.Read())
                {
                    through = reader.GetInt64(0);
                    bytes -= reader.GetInt64(1);
                    rows--;
                    dropped++;
                }
            }

            DeleteThrough(transaction, through);
        }

        if (dropped > 0)
        {
            _unacked -= dropped;
            _ackedThrough = Math.Max(_ackedThrough, through);
        }

        return dropped;
    }

    private void DeleteThrough(SqliteTransaction transaction, long id)
    {
        _deleteThrough.Transaction = transaction;
        _deleteThrough.Parameters[0].Value = id;
        using (var deleted = _deleteThrough.ExecuteReader())
        {
            while (deleted.Read())
            {
                _rows--;
                _bytes -= deleted.GetInt64(0);
            }
        }

        _deletedThrough = Math.Max(_deletedThrough, id);
    }

    /// <summary>Runs a step; an unreadable file is replaced and the step retried once. False when the store is broken for good.</summary>
    private bool Recover(Func<bool> step, out bool result)
    {
        try
        {
            try
            {
                result = step();
            }
            catch (SqliteException e) when (IsUnreadable(e))
            {
                Replace(e.Message);
                result = step();
            }

            return true;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            _broken = true;
            result = false;
            Log.Broken(_logger, FilePath, e.Message);
            return false;
        }
    }

    private void OpenFile()
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(FilePath)!);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Unpooled: closing really closes the file, so a broken one can be moved aside.
            Pooling = false,
        }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL");
        Execute($"PRAGMA synchronous={(_options.Synchronous == OutboxSynchronous.Full ? "FULL" : "NORMAL")}");
        // A checkpoint resets the WAL; this keeps its file from staying large after an outage.
        Execute("PRAGMA journal_size_limit=4194304");
        string check = Convert.ToString(Scalar("PRAGMA quick_check"), CultureInfo.InvariantCulture) ?? "";
        if (check != "ok")
        {
            throw new SqliteException($"quick_check: {check}", 11);
        }

        Execute("""
            CREATE TABLE IF NOT EXISTS outbox (
                id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, topic TEXT NOT NULL,
                content_type TEXT, verdict_id TEXT, payload BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
            """);
        _insert = Command("INSERT INTO outbox (id, seq, topic, content_type, verdict_id, payload) VALUES ($id, $seq, $topic, $type, $verdict, $payload)", "$id", "$seq", "$topic", "$type", "$verdict", "$payload");
        _readAfter = Command("SELECT id, seq, topic, content_type, verdict_id, payload FROM outbox WHERE id > $after ORDER BY id LIMIT $max", "$after", "$max");
        _deleteThrough = Command("DELETE FROM outbox WHERE id <= $id RETURNING length(payload)", "$id");
        _saveLastSeq = Command("INSERT INTO meta (key, value) VALUES ('last_seq', $seq) ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)", "$seq");
        _oldest = Command("SELECT id, length(payload) FROM outbox WHERE id > $after ORDER BY id LIMIT 256", "$after");
        _lastSeq = Math.Max(
            Convert.ToInt64(Scalar("SELECT coalesce(max(seq), 0) FROM outbox"), CultureInfo.InvariantCulture),
            Convert.ToInt64(Scalar("SELECT coalesce((SELECT value FROM meta WHERE key = 'last_seq'), 0)"), CultureInfo.InvariantCulture));
        Recount();
    }

    /// <summary>Moves the unreadable file aside (keeping the newest two such files) and starts a fresh one.</summary>
    private void Replace(string reason)
    {
        CloseFile();
        string aside = $"{FilePath}.corrupt-{_time.GetUtcNow():yyyyMMdd'T'HHmmss'Z'}";
        Log.Unreadable(_logger, FilePath, reason, aside);
        File.Move(FilePath, aside, overwrite: true);
        if (File.Exists(FilePath + "-wal"))
        {
            File.Move(FilePath + "-wal", aside + "-wal", overwrite: true);
        }

        File.Delete(FilePath + "-shm");
        foreach (string old in Directory.GetFiles(System.IO.Path.GetDirectoryName(FilePath)!, System.IO.Path.GetFileName(FilePath) + ".corrupt-*")
            .Where(f => !f.EndsWith("-wal", StringComparison.Ordinal)).Order(StringComparer.Ordinal).SkipLast(2))
        {
            File.Delete(old);
            File.Delete(old + "-wal");
        }

        long seq = _lastSeq;
        OpenFile();
        // The lost file's highest seq is unknown: the clock (ms) is above it unless the device made
        // more than 1000 verdicts a second or its clock went back.
        _lastSeq = Math.Max(seq, _time.GetUtcNow().ToUnixTimeMilliseconds());
        _saveLastSeq.Transaction = null;
        _saveLastSeq.Parameters[0].Value = _lastSeq;
        _saveLastSeq.ExecuteNonQuery();
        Log.Fresh(_logger, FilePath, _lastSeq + 1);
    }

    /// <summary>Counters from the file itself: at open, and after a rolled-back write.</summary>
    private void Recount()
    {
        using var command = _db.CreateCommand();
        command.CommandText = "SELECT count(*), coalesce(sum(length(payload)), 0), coalesce(max(id), 0), count(*) FILTER (WHERE id > $acked) FROM outbox";
        command.Parameters.AddWithValue("$acked", _ackedThrough);
        using var reader = command.ExecuteReader();
        reader.Read();
        _rows = reader.GetInt64(0);
        _bytes = reader.GetInt64(1);
        // Ids only grow within a process, also across a replaced file: the reader's cursor stays valid.
        _nextId = Math.Max(_nextId, reader.GetInt64(2) + 1);
        _unacked = reader.GetInt64(3);
        _deletedThrough = 0;
    }

    /// <summary>SQLITE_CORRUPT, SQLITE_NOTADB, or an I/O error reading the file (IOERR_READ, IOERR_SHORT_READ).</summary>
    private static bool IsUnreadable(Exception e) =>
        e is SqliteException { SqliteErrorCode: 11 or 26 } or SqliteException { SqliteExtendedErrorCode: 266 or 522 };

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        var command = _db.CreateCommand();
        command.CommandText = sql;
        foreach (string name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    private void Execute(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _db.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private void CloseFile()
    {
        _insert?.Dispose();
        _readAfter?.Dispose();
        _deleteThrough?.Dispose();
        _saveLastSeq?.Dispose();
        _oldest?.Dispose();
        _db?.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            CloseFile();
        }
    }








}

/// <summary>The durable outbox cannot be used at all; the agent keeps verdicts in memory and says so.</summary>
public sealed class OutboxUnavailableException(string message, Exception inner) : Exception(message, inner);
