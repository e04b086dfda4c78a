using System.Security.Cryptography;
using System.Text.Json;
using EdgeInspector.Core;
using Microsoft.Extensions.Logging;

namespace EdgeInspector.Agent.Capture;

/// <summary>
/// The captured parts on disk (Agent:StateDirectory/captures): bounded by Capture:MaxBytes and by
/// Capture:MinFreeBytes of free disk, oldest evicted first, so captures never fill the disk the
/// outbox and model updates need. A part's record is written last and renamed into place, so a
/// crash leaves either a whole part or leftovers that <see cref="Open"/> removes. Thread-safe: the
/// writer adds, commands list, read and delete.
/// </summary>
public sealed class CaptureStore(string directory, CaptureOptions options, IFreeDiskSpace disk, ILogger<CaptureStore> logger)
{
    private const string Temporary = ".tmp";

    private readonly Lock _gate = new();
    private readonly SortedSet<CapturedPart> _parts = new(Comparer<CapturedPart>.Create(static (a, b) => a.Ts != b.Ts ? a.Ts.CompareTo(b.Ts) : string.CompareOrdinal(a.Id, b.Id)));
    private readonly Dictionary<string, CapturedPart> _byId = new(StringComparer.Ordinal);
    private long _bytes;
    private long _evicted;
    private long _noRoom;

    public string Directory { get; } = directory;

    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _parts.Count;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Parts removed to make room (quota or free-disk floor).</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    /// <summary>Parts not kept because even an empty store had no room for them.</summary>
    public long NoRoom => Interlocked.Read(ref _noRoom);

    /// <summary>
    /// Rebuilds the index from disk after a restart. Leftovers of an interrupted write are removed;
    /// a record that cannot be read, or whose image is missing or of another size, is logged and
    /// removed: it could never be collected, and it would hold disk outside the quota.
    /// </summary>
    public void Open()
    {
        System.IO.Directory.CreateDirectory(Directory);
        foreach (string leftover in System.IO.Directory.EnumerateFiles(Directory, "*" + Temporary))
        {
            File.Delete(leftover);
        }

        var images = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (string record in System.IO.Directory.EnumerateFiles(Directory, "*.json"))
            {
                var part = Read(record, out string? problem);
                if (part is null)
                {
                    Log.CaptureSkipped(logger, record, problem!);
                    DeleteQuietly(record);
                    continue;
                }

                images.Add(part.ImageFile);
                _parts.Add(part);
                _byId[part.Id] = part;
                _bytes += part.Bytes;
            }
        }

        foreach (string file in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(file);
            if (!name.EndsWith(".json", StringComparison.Ordinal) && !images.Contains(name))
            {
                // An image whose record never made it to disk (power cut between the two renames).
                DeleteQuietly(file);
            }
        }

        Log.CapturesOpened(logger, Held, Bytes, Directory);
    }

    private CapturedPart? Read(string recordPath, out string? problem)
    {
        problem = null;
        try
        {
            byte[] json = File.ReadAllBytes(recordPath);
            using var doc = JsonDocument.Parse(json);
            var r = doc.RootElement;
            string id = r.GetProperty("id").GetString() ?? "";
            string image = r.GetProperty("image").GetString() ?? "";
            if (id + ".json" != Path.GetFileName(recordPath) || Path.GetFileName(image) != image || !CaptureKinds.TryParse(r.GetProperty("kind").GetString() ?? "", out var kind))
            {
                problem = "its id, image or kind does not match the file";
                return null;
            }

            long imageBytes = r.GetProperty("image_bytes").GetInt64();
            var info = new FileInfo(Path.Combine(Directory, image));
            if (!info.Exists || info.Length != imageBytes)
            {
                problem = info.Exists ? $"its image {image} holds {info.Length} bytes, the record says {imageBytes}" : $"its image {image} is missing";
                return null;
            }

            var verdict = r.GetProperty("verdict");
            int? version = verdict.TryGetProperty("model", out var model) && model.ValueKind == JsonValueKind.Object ? model.GetProperty("version").GetInt32() : null;
            return new CapturedPart(id, kind, r.GetProperty("ts").GetDateTimeOffset(), image, imageBytes, r.GetProperty("sha256").GetString() ?? "", json.Length,
                verdict.GetProperty("verdict").GetString() ?? "", verdict.GetProperty("score").GetDouble(), version);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IOException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Keeps one part: makes room (oldest first) within the quota and above the free-disk floor,
    /// then writes the image and its record. False when there is no room even with nothing held.
    /// </summary>
    public bool Add(Verdict verdict, CaptureKind kind, ReadOnlySpan<byte> image, string extension)
    {
        string imageName = verdict.Id + extension;
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(image));
        byte[] record = Record(verdict, kind, imageName, image.Length, sha256);
        long needed = image.Length + record.Length;
        if (!MakeRoom(needed))
        {
            Interlocked.Increment(ref _noRoom);
            return false;
        }

        string imagePath = Path.Combine(Directory, imageName);
        string recordPath = Path.Combine(Directory, verdict.Id + ".json");
        WriteReplacing(imagePath, image);
        WriteReplacing(recordPath, record);
        var part = new CapturedPart(verdict.Id, kind, verdict.Ts, imageName, image.Length, sha256, record.Length, ContractName(verdict.Kind), verdict.Score, verdict.Model?.Version);
        lock (_gate)
        {
            if (_byId.Remove(part.Id, out var replaced))
            {
                _parts.Remove(replaced);
                _bytes -= replaced.Bytes;
            }

            _parts.Add(part);
            _byId[part.Id] = part;
            _bytes += part.Bytes;
        }

        return true;
    }

    private bool MakeRoom(long needed)
    {
        if (needed > options.MaxBytes)
        {
            return false;
        }

        while (Bytes + needed > options.MaxBytes || disk.AvailableBytes(Directory) - needed < options.MinFreeBytes)
        {
            CapturedPart oldest;
            lock (_gate)
            {
                if (_parts.Count == 0)
                {
                    return false;
                }

                oldest = _parts.Min!;
            }

            if (Remove(oldest.Id))
            {
                Interlocked.Increment(ref _evicted);
            }
        }

        return true;
    }

    /// <summary>The parts held, oldest first, captured at or after <paramref name="since"/> and of the given kinds.</summary>
    public IReadOnlyList<CapturedPart> List(DateTimeOffset? since, IReadOnlyCollection<CaptureKind> kinds)
    {
        lock (_gate)
        {
            return [.. _parts.Where(p => (since is null || p.Ts >= since) && kinds.Contains(p.Kind))];
        }
    }

    public CapturedPart? Find(string id)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Deletes a part (collected and acknowledged, or evicted); false when it is not held.</summary>
    public bool Remove(string id)
    {
        CapturedPart? part;
        lock (_gate)
        {
            if (!_byId.Remove(id, out part))
            {
                return false;
            }

            _parts.Remove(part);
            _bytes -= part.Bytes;
        }

        // The record first: a crash in between leaves an image without one, which Open removes.
        DeleteQuietly(Path.Combine(Directory, part.RecordFile));
        DeleteQuietly(Path.Combine(Directory, part.ImageFile));
        return true;
    }

    private static byte[] Record(Verdict verdict, CaptureKind kind, string imageName, int imageBytes, string sha256)
    {
        using var buffer = new MemoryStream(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", verdict.Id);
            json.WriteString("kind", kind.Name());
            json.WriteString("ts", verdict.Ts);
            json.WriteString("image", imageName);
            json.WriteNumber("image_bytes", imageBytes);
            json.WriteString("sha256", sha256);
            json.WritePropertyName("verdict");
            json.WriteRawValue(ContractJson.Serialize(verdict), skipInputValidation: true);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string ContractName(VerdictKind kind) => kind switch
    {
        VerdictKind.Ok => "OK",
        VerdictKind.Ng => "NG",
        _ => "ERROR",
    };

    private static void WriteReplacing(string path, ReadOnlySpan<byte> data)
    {
        string temporary = path + Temporary;
        try
        {
            using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(data);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (IOException)
        {
            DeleteQuietly(temporary);
            throw;
        }
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next Open; the index no longer counts it.
        }
    }
}
