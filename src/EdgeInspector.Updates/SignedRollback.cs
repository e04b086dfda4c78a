using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInspector.Updates;

/// <summary>A verified cmd/rollback: for this device, to the previous package or to <see cref="ToVersion"/>.</summary>
public sealed record RollbackOrder(string Device, int? ToVersion, DateTimeOffset IssuedAt, string Nonce);

/// <summary>
/// cmd/rollback signed like a package (ES256, the same keys and key ids): the payload is
/// <c>{"command":"base64","alg":"ES256","key_id":"…","signature":"base64"}</c>, the signature covers the
/// exact bytes of <c>command</c>, which decode to
/// <c>{"action":"rollback","device":"line1-cell1","target":"previous"|2,"issued_at":"…","nonce":"32 hex"}</c>.
/// A device accepts it only for its own id, within <see cref="MaxAge"/> of issued_at, once per nonce.
/// </summary>
public static class SignedRollback
{
    public const string Action = "rollback";
    public const string Previous = "previous";

    /// <summary>How old (or, for clock skew, how far ahead) issued_at may be.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private const string Fix = "send it with 'edge-inspector rollback --broker … --device ID --key private.pem [--to VERSION]'";

    /// <summary>The cmd/rollback payload for <paramref name="device"/>, signed with <paramref name="privateKey"/>.</summary>
    public static byte[] Create(string device, int? toVersion, ECDsa privateKey, DateTimeOffset issuedAt)
    {
        byte[] command = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["action"] = Action,
            ["device"] = device,
            ["target"] = toVersion is { } v ? JsonValue.Create(v) : JsonValue.Create(Previous),
            ["issued_at"] = issuedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
            ["nonce"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
        });
        var signature = PackageSigning.Sign(command, privateKey);
        return JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["command"] = Convert.ToBase64String(command),
            ["alg"] = PackageSignature.Algorithm,
            ["key_id"] = signature.KeyId,
            ["signature"] = Convert.ToBase64String(signature.Signature),
        });
    }

    /// <summary>Checks signature, action, device and age; throws <see cref="UpdateException"/> naming the problem and the fix. Replays are the caller's (<see cref="CommandNonces"/>).</summary>
    public static RollbackOrder Verify(ReadOnlySpan<byte> payload, TrustedKeys keys, string device, DateTimeOffset now)
    {
        byte[] command;
        PackageSignature signature;
        try
        {
            var envelope = JsonNode.Parse(payload)?.AsObject() ?? throw new JsonException("empty");
            if (envelope["command"] is null || envelope["signature"] is null)
            {
                throw new UpdateException($"cmd/rollback must be signed by a key this device trusts (Updates:TrustedKeys); this one is unsigned: {Fix}");
            }

            string alg = (string?)envelope["alg"] ?? "";
            if (alg != PackageSignature.Algorithm)
            {
                throw new UpdateException($"cmd/rollback is signed with '{alg}', this agent accepts {PackageSignature.Algorithm} only: {Fix}");
            }

            command = Convert.FromBase64String((string?)envelope["command"] ?? "");
            signature = new PackageSignature((string?)envelope["key_id"] ?? "", Convert.FromBase64String((string?)envelope["signature"] ?? ""));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new UpdateException($"cmd/rollback is malformed ({e.Message}): {Fix}", e);
        }

        keys.Verify(command, signature, "the rollback command");
        RollbackOrder order;
        try
        {
            var o = JsonNode.Parse(command)!.AsObject();
            if ((string?)o["action"] != Action)
            {
                throw new UpdateException($"the signed command is '{(string?)o["action"]}', not '{Action}'");
            }

            var target = o["target"] as JsonValue ?? throw new UpdateException("the signed command has no target");
            int? to = target.TryGetValue(out int version) && version >= 1 ? version
                : target.TryGetValue(out string? word) && word == Previous ? null
                : throw new UpdateException($"the signed target must be \"{Previous}\" or a version number of 1 or more, got {target.ToJsonString()}: {Fix}");
            order = new RollbackOrder(
                (string?)o["device"] ?? "",
                to,
                DateTimeOffset.Parse((string?)o["issued_at"] ?? throw new UpdateException("the signed command has no issued_at"), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                (string?)o["nonce"] ?? "");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new UpdateException($"the signed rollback command is malformed ({e.Message}): {Fix}", e);
        }

        if (order.Device != device)
        {
            throw new UpdateException($"this rollback is signed for device '{order.Device}', this is '{device}': {Fix} with --device {device}");
        }

        if (order.Nonce.Length is < 16 or > 64)
        {
            throw new UpdateException($"the signed nonce must be 16 to 64 characters: {Fix}");
        }

        var age = now - order.IssuedAt;
        if (age > MaxAge || -age > MaxAge)
        {
            throw new UpdateException(string.Create(CultureInfo.InvariantCulture, $"this rollback was issued at {order.IssuedAt:O}, {Math.Abs(age.TotalSeconds):F0} s {(age > TimeSpan.Zero ? "ago" : "in the future")}; a device accepts one within {MaxAge.TotalMinutes:F0} min: send a new one, and check the clocks of the workstation and the device (NTP)"));
        }

        return order;
    }
}

/// <summary>
/// Nonces of signed commands already obeyed, kept while they are within <see cref="SignedRollback.MaxAge"/>
/// and stored (atomically) so a replay is refused after a restart too.
/// </summary>
public sealed class CommandNonces(string path)
{
    private readonly Lock _gate = new();
    private Dictionary<string, DateTimeOffset>? _seen;

    /// <summary>
    /// Throws <see cref="UpdateException"/> when <paramref name="nonce"/> was obeyed before. Records
    /// nothing: a command refused later (no previous package, an update activating) keeps its nonce
    /// for a second try.
    /// </summary>
    public void Check(string nonce, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Seen(now).ContainsKey(nonce))
            {
                throw Replayed(nonce);
            }
        }
    }

    /// <summary>Records <paramref name="nonce"/> as obeyed; throws <see cref="UpdateException"/> when it was used before.</summary>
    public void Use(string nonce, DateTimeOffset issuedAt, DateTimeOffset now)
    {
        lock (_gate)
        {
            var seen = Seen(now);
            if (!seen.TryAdd(nonce, issuedAt))
            {
                throw Replayed(nonce);
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            AtomicFile.Write(path, JsonSerializer.SerializeToUtf8Bytes(new JsonObject(seen.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)JsonValue.Create(s.Value))))));
        }
    }

    private static UpdateException Replayed(string nonce) =>
        new($"this signed command (nonce {nonce}) was already carried out; a replay is refused: send a new one");

    /// <summary>The nonces still within twice the command age (older ones cannot verify any more).</summary>
    private Dictionary<string, DateTimeOffset> Seen(DateTimeOffset now)
    {
        var seen = _seen ??= Load();
        foreach (string old in seen.Where(s => now - s.Value > SignedRollback.MaxAge * 2).Select(s => s.Key).ToList())
        {
            seen.Remove(old);
        }

        return seen;
    }

    private Dictionary<string, DateTimeOffset> Load()
    {
        try
        {
            return File.Exists(path)
                ? JsonNode.Parse(File.ReadAllBytes(path))!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<DateTimeOffset>(), StringComparer.Ordinal)
                : new(StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new UpdateException($"'{path}' (nonces of signed commands already obeyed) cannot be read ({e.Message}); delete it only after {SignedRollback.MaxAge.TotalMinutes:F0} min without signed commands", e);
        }
    }
}
