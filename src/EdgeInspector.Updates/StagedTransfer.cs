using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EdgeInspector.Updates;

/// <summary>What became of one received chunk.</summary>
public enum ChunkOutcome
{
    Stored,
    Duplicate,
    BadHash,
    BadIndex,
    BadSize,
}

public static class ChunkOutcomes
{
    /// <summary>Why a chunk was refused, as the pusher reads it in model/state.</summary>
    public static string Reason(this ChunkOutcome outcome) => outcome switch
    {
        ChunkOutcome.BadHash => "its SHA-256 does not match its sha256 property",
        ChunkOutcome.BadSize => "wrong size for its index",
        _ => "index outside the offer",
    };
}

/// <summary>
/// One transfer's staging folder: offer.json, the package stream preallocated in data.bin and
/// written chunk by chunk at its offset, and received.log, an append-only list of the chunk
/// indexes already fsynced into data.bin. After a disconnect or a restart it says exactly which
/// chunks are still missing.
/// </summary>
public sealed class StagedTransfer : IDisposable
{
    public const string OfferFile = "offer.json";
    public const string DataFile = "data.bin";
    public const string LogFile = "received.log";

    private readonly bool[] _have;
    private readonly FileStream _log;
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle _data;
    private readonly Lock _gate = new();

    private StagedTransfer(string directory, UpdateOffer offer, bool[] have)
    {
        Directory = directory;
        Offer = offer;
        _have = have;
        Received = have.Count(h => h);
        _data = File.OpenHandle(DataPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _log = new FileStream(Path.Combine(directory, LogFile), FileMode.Append, FileAccess.Write, FileShare.Read);
    }

    public string Directory { get; }

    public UpdateOffer Offer { get; }

    public int Received { get; private set; }

    public bool Complete => Received == Offer.ChunkCount;

    public string DataPath => Path.Combine(Directory, DataFile);

    public string Bitmap
    {
        get
        {
            lock (_gate)
            {
                return ChunkBitmap.Encode(_have);
            }
        }
    }

    public IReadOnlyList<int> Missing()
    {
        lock (_gate)
        {
            return [.. Enumerable.Range(0, _have.Length).Where(i => !_have[i])];
        }
    }

    /// <summary>Starts a transfer in a new folder (any old folder of the same id is replaced).</summary>
    public static StagedTransfer Create(string directory, UpdateOffer offer)
    {
        if (System.IO.Directory.Exists(directory))
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }

        System.IO.Directory.CreateDirectory(directory);
        using (var data = new FileStream(Path.Combine(directory, DataFile), FileMode.CreateNew, FileAccess.Write))
        {
            data.SetLength(offer.TotalBytes);
        }

        File.WriteAllBytes(Path.Combine(directory, LogFile), []);
        // offer.json last: its atomic write fsyncs the folder, so data.bin and received.log are named on disk too.
        AtomicFile.Write(Path.Combine(directory, OfferFile), offer.ToJson());
        DirectorySync.Flush(Path.GetDirectoryName(Path.GetFullPath(directory))!);
        return new StagedTransfer(directory, offer, new bool[offer.ChunkCount]);
    }

    /// <summary>Reopens a transfer after a restart; null when the folder is not a complete staging folder.</summary>
    public static StagedTransfer? Open(string directory)
    {
        string offerPath = Path.Combine(directory, OfferFile);
        if (!File.Exists(offerPath) || !File.Exists(Path.Combine(directory, DataFile)))
        {
            return null;
        }

        UpdateOffer offer;
        try
        {
            offer = UpdateOffer.Parse(File.ReadAllBytes(offerPath));
        }
        catch (UpdateException)
        {
            return null;
        }

        var have = new bool[offer.ChunkCount];
        string logPath = Path.Combine(directory, LogFile);
        if (File.Exists(logPath))
        {
            byte[] log = File.ReadAllBytes(logPath);
            // A record torn by a power cut is ignored: that chunk is simply asked for again.
            for (int at = 0; at + 4 <= log.Length; at += 4)
            {
                int index = BinaryPrimitives.ReadInt32LittleEndian(log.AsSpan(at));
                if (index >= 0 && index < have.Length)
                {
                    have[index] = true;
                }
            }
        }

        return new StagedTransfer(directory, offer, have);
    }

    /// <summary>
    /// Stores one chunk if its SHA-256 matches <paramref name="sha256"/> (hex) and its size is the
    /// one its index implies. The data is fsynced before the index is logged, so a logged chunk is on disk.
    /// </summary>
    public ChunkOutcome Accept(int index, ReadOnlySpan<byte> payload, string? sha256)
    {
        if (index < 0 || index >= Offer.ChunkCount)
        {
            return ChunkOutcome.BadIndex;
        }

        if (payload.Length != Offer.ChunkLength(index))
        {
            return ChunkOutcome.BadSize;
        }

        if (sha256 is null || !string.Equals(Convert.ToHexStringLower(SHA256.HashData(payload)), sha256, StringComparison.OrdinalIgnoreCase))
        {
            return ChunkOutcome.BadHash;
        }

        lock (_gate)
        {
            if (_have[index])
            {
                return ChunkOutcome.Duplicate;
            }

            RandomAccess.Write(_data, payload, (long)index * Offer.ChunkBytes);
            RandomAccess.FlushToDisk(_data);
            Span<byte> record = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(record, index);
            _log.Write(record);
            _log.Flush(flushToDisk: true);
            _have[index] = true;
            Received++;
            return ChunkOutcome.Stored;
        }
    }

    public void Dispose()
    {
        _log.Dispose();
        _data.Dispose();
    }
}
