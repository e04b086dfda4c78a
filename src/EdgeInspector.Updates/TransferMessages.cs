using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInspector.Updates;

/// <summary>The phases a transfer reports on <c>model/state</c>.</summary>
public static class UpdatePhase
{
    public const string Offered = "offered";
    public const string Receiving = "receiving";
    public const string Verifying = "verifying";
    public const string Activating = "activating";
    public const string Active = "active";
    public const string Rejected = "rejected";
    public const string RolledBack = "rolled_back";

    /// <summary>cmd/enroll collects parts and builds the memory bank (then activating like an update).</summary>
    public const string Enrolling = "enrolling";

    public static bool IsFinal(string phase) => phase is Active or Rejected or RolledBack;
}

/// <summary><c>model/offer</c>: what the workstation wants to send (docs/model-updates.md).</summary>
public sealed record UpdateOffer(string TransferId, byte[] Manifest, byte[] Signature, long TotalBytes, int ChunkBytes, int ChunkCount)
{
    public const int MaxChunkBytes = 128 * 1024;
    public const int MinChunkBytes = 256;

    /// <summary>
    /// model/state carries a bitmap of every chunk: 65536 chunks keep it at 8 KB (11 KB in base64)
    /// and still allow 8 GiB at the largest chunk size, where 1 GiB in 256-byte chunks made each
    /// state 699 KB (issue #13).
    /// </summary>
    public const int MaxChunkCount = 65536;

    public int ChunkLength(int index) => (int)Math.Min(ChunkBytes, TotalBytes - ((long)index * ChunkBytes));

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["transfer_id"] = TransferId,
        ["manifest"] = Convert.ToBase64String(Manifest),
        ["signature"] = Convert.ToBase64String(Signature),
        ["total_bytes"] = TotalBytes,
        ["chunk_bytes"] = ChunkBytes,
        ["chunk_count"] = ChunkCount,
    });

    /// <summary>The offer's transfer_id when it can be read at all (to name a refused offer in model/state), else "".</summary>
    public static string TryTransferId(byte[] payload)
    {
        try
        {
            return (string?)JsonNode.Parse(payload)?["transfer_id"] ?? "";
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or ArgumentException)
        {
            return "";
        }
    }

    /// <summary>Parses and checks the offer's own arithmetic; throws <see cref="UpdateException"/> with the reason.</summary>
    public static UpdateOffer Parse(ReadOnlySpan<byte> json)
    {
        UpdateOffer offer;
        try
        {
            // Strict: a duplicate key would make the offer mean two things (and JsonObject throw later).
            var o = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false })?.AsObject() ?? throw new UpdateException("offer is empty");
            offer = new UpdateOffer(
                (string?)o["transfer_id"] ?? throw new UpdateException("offer has no transfer_id"),
                Convert.FromBase64String((string?)o["manifest"] ?? throw new UpdateException("offer has no manifest")),
                Convert.FromBase64String((string?)o["signature"] ?? throw new UpdateException("offer has no signature (sign the package with 'edge-inspector sign')")),
                (long?)o["total_bytes"] ?? throw new UpdateException("offer has no total_bytes"),
                (int?)o["chunk_bytes"] ?? throw new UpdateException("offer has no chunk_bytes"),
                (int?)o["chunk_count"] ?? throw new UpdateException("offer has no chunk_count"));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new UpdateException($"offer is not valid JSON of the offer contract ({e.Message})", e);
        }

        if (offer.TransferId.Length is < 1 or > 64 || !offer.TransferId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new UpdateException("transfer_id must be 1..64 letters, digits, '-' or '_'");
        }

        if (offer.ChunkBytes is < MinChunkBytes or > MaxChunkBytes)
        {
            throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"chunk_bytes {offer.ChunkBytes} is outside {MinChunkBytes}..{MaxChunkBytes}"));
        }

        if (offer.TotalBytes < 1)
        {
            throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"total_bytes {offer.TotalBytes} must be a positive byte count"));
        }

        // Counted without adding to total_bytes, so a total near 2^63 cannot wrap into a small count.
        long chunks = ((offer.TotalBytes - 1) / offer.ChunkBytes) + 1;
        if (chunks > MaxChunkCount)
        {
            long atLeast = ((offer.TotalBytes - 1) / MaxChunkCount) + 1;
            throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"total_bytes {offer.TotalBytes} in chunks of {offer.ChunkBytes} is {chunks} chunks, a transfer takes at most {MaxChunkCount}: push with --chunk-bytes {Math.Max(atLeast, MinChunkBytes)} or more (at most {MaxChunkBytes})"));
        }

        if (offer.ChunkCount != chunks)
        {
            throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"chunk_count {offer.ChunkCount} does not cover total_bytes {offer.TotalBytes} in chunks of {offer.ChunkBytes}"));
        }

        return offer;
    }
}

/// <summary><c>model/state</c> (retained): where a transfer stands.</summary>
public sealed record UpdateState(string TransferId, string Phase, int ChunkCount, int Received, string Bitmap, string? Reason, string? Model, int? Version)
{
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["transfer_id"] = TransferId,
        ["phase"] = Phase,
        ["model"] = Model,
        ["version"] = Version,
        ["chunk_count"] = ChunkCount,
        ["received"] = Received,
        ["bitmap"] = Bitmap,
        ["reason"] = Reason,
        ["ts"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
    });

    public static UpdateState Parse(ReadOnlySpan<byte> json)
    {
        var o = JsonNode.Parse(json)?.AsObject() ?? throw new JsonException("state is empty");
        return new UpdateState(
            (string?)o["transfer_id"] ?? "",
            (string?)o["phase"] ?? "",
            (int?)o["chunk_count"] ?? 0,
            (int?)o["received"] ?? 0,
            (string?)o["bitmap"] ?? "",
            (string?)o["reason"],
            (string?)o["model"],
            (int?)o["version"]);
    }

    /// <summary>The chunk indexes the device does not hold yet, from the bitmap.</summary>
    public IReadOnlyList<int> Missing() => ChunkBitmap.Missing(Bitmap, ChunkCount);
}

/// <summary>Received-chunk bitmap: bit i (LSB first within each byte) set = chunk i stored; base64 on the wire.</summary>
public static class ChunkBitmap
{
    public static string Encode(IReadOnlyList<bool> have)
    {
        byte[] bits = new byte[(have.Count + 7) / 8];
        for (int i = 0; i < have.Count; i++)
        {
            if (have[i])
            {
                bits[i / 8] |= (byte)(1 << (i % 8));
            }
        }

        return Convert.ToBase64String(bits);
    }

    public static IReadOnlyList<int> Missing(string bitmap, int count)
    {
        byte[] bits;
        try
        {
            bits = Convert.FromBase64String(bitmap);
        }
        catch (FormatException)
        {
            bits = [];
        }

        var missing = new List<int>();
        for (int i = 0; i < count; i++)
        {
            if (i / 8 >= bits.Length || (bits[i / 8] & (1 << (i % 8))) == 0)
            {
                missing.Add(i);
            }
        }

        return missing;
    }
}
