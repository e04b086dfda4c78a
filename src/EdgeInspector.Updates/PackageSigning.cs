using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInspector.Updates;

/// <summary>The contents of manifest.sig: an ECDSA P-256 / SHA-256 signature over the exact bytes of manifest.json.</summary>
public sealed record PackageSignature(string KeyId, byte[] Signature)
{
    public const string FileName = "manifest.sig";
    public const string Algorithm = "ES256";

    /// <summary>manifest.sig as JSON: <c>{"format":1,"alg":"ES256","key_id":"…","signature":"base64 (IEEE P1363 r||s)"}</c>.</summary>
    public byte[] ToBytes() => System.Text.Encoding.UTF8.GetBytes(new JsonObject
    {
        ["format"] = 1,
        ["alg"] = Algorithm,
        ["key_id"] = KeyId,
        ["signature"] = Convert.ToBase64String(Signature),
    }.ToJsonString() + "\n");

    public static PackageSignature Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var node = JsonNode.Parse(bytes)?.AsObject() ?? throw new UpdateException("manifest.sig is empty");
            string alg = (string?)node["alg"] ?? "";
            if (alg != Algorithm)
            {
                throw new UpdateException($"manifest.sig uses algorithm '{alg}', this agent accepts {Algorithm} only");
            }

            string keyId = (string?)node["key_id"] ?? throw new UpdateException("manifest.sig has no key_id");
            byte[] signature = Convert.FromBase64String((string?)node["signature"] ?? throw new UpdateException("manifest.sig has no signature"));
            return new PackageSignature(keyId, signature);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new UpdateException($"manifest.sig is malformed ({e.Message}); sign the package again with 'edge-inspector sign'", e);
        }
    }
}

/// <summary>Key generation and signing on the workstation.</summary>
public static class PackageSigning
{
    public const string PrivateKeyFileName = "private.pem";
    public const string PublicKeyFileName = "public.pem";

    /// <summary>First 16 hex digits of the SHA-256 of the key's SubjectPublicKeyInfo (DER).</summary>
    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];

    /// <summary>Writes a new P-256 key pair into <paramref name="directory"/> (private.pem PKCS#8, public.pem SPKI); returns its key id.</summary>
    public static string GenerateKeyPair(string directory)
    {
        Directory.CreateDirectory(directory);
        string privatePath = Path.Combine(directory, PrivateKeyFileName);
        string publicPath = Path.Combine(directory, PublicKeyFileName);
        if (File.Exists(privatePath) || File.Exists(publicPath))
        {
            throw new UpdateException($"'{directory}' already holds a key pair; keygen never overwrites a key (pick another --out)");
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privatePath, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key.ExportPkcs8PrivateKeyPem());
            writer.Write('\n');
        }

        File.WriteAllText(publicPath, key.ExportSubjectPublicKeyInfoPem() + "\n");
        return KeyId(key);
    }

    public static ECDsa LoadKey(string pemPath)
    {
        if (!File.Exists(pemPath))
        {
            throw new UpdateException($"key file '{Path.GetFullPath(pemPath)}' does not exist");
        }

        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(pemPath));
            if (key.KeySize != 256)
            {
                throw new UpdateException($"'{pemPath}' is a {key.KeySize}-bit EC key; packages are signed with P-256 keys (edge-inspector keygen)");
            }

            return key;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new UpdateException($"'{pemPath}' is not a PEM EC key ({e.Message}); make one with 'edge-inspector keygen'", e);
        }
    }

    public static PackageSignature Sign(ReadOnlySpan<byte> manifest, ECDsa privateKey) =>
        new(KeyId(privateKey), privateKey.SignData(manifest, HashAlgorithmName.SHA256));

    /// <summary>Signs the package's manifest.json as it is on disk and writes manifest.sig beside it (temp file + rename).</summary>
    public static PackageSignature SignPackage(string packageDirectory, string privateKeyPath)
    {
        string manifestPath = Path.Combine(packageDirectory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new UpdateException($"'{Path.GetFullPath(manifestPath)}' does not exist: --package must be a model package folder");
        }

        using var key = LoadPrivateKey(privateKeyPath);
        var signature = Sign(File.ReadAllBytes(manifestPath), key);
        AtomicFile.Write(Path.Combine(packageDirectory, PackageSignature.FileName), signature.ToBytes());
        return signature;
    }

    /// <summary><see cref="LoadKey"/> for signing: a public key (public.pem passed by mistake) is refused, naming the file.</summary>
    public static ECDsa LoadPrivateKey(string pemPath)
    {
        var key = LoadKey(pemPath);
        if (!HasPrivateKey(key))
        {
            key.Dispose();
            throw new UpdateException($"'{pemPath}' holds no private key; sign with private.pem");
        }

        return key;
    }

    private static bool HasPrivateKey(ECDsa key)
    {
        try
        {
            return key.ExportParameters(includePrivateParameters: true).D is not null;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>The public keys a device accepts package signatures from (Updates:TrustedKeys).</summary>
public sealed class TrustedKeys : IDisposable
{
    private readonly Dictionary<string, ECDsa> _keys = new(StringComparer.Ordinal);

    public TrustedKeys(IEnumerable<string> pemPaths)
    {
        foreach (string path in pemPaths)
        {
            var key = PackageSigning.LoadKey(path);
            _keys[PackageSigning.KeyId(key)] = key;
        }
    }

    public IReadOnlyCollection<string> KeyIds => _keys.Keys;

    /// <summary>Checks the signature over the exact bytes of <paramref name="what"/>; throws <see cref="UpdateException"/> with the reason.</summary>
    public void Verify(ReadOnlySpan<byte> manifest, PackageSignature signature, string what = "manifest.json")
    {
        if (!_keys.TryGetValue(signature.KeyId, out var key))
        {
            throw new UpdateException($"signed by unknown key {signature.KeyId}; this device trusts {(_keys.Count == 0 ? "no keys (set Updates:TrustedKeys)" : string.Join(", ", _keys.Keys))}");
        }

        if (!key.VerifyData(manifest, signature.Signature, HashAlgorithmName.SHA256))
        {
            throw new UpdateException($"signature by key {signature.KeyId} does not match {what} (it was changed after signing)");
        }
    }

    public void Dispose()
    {
        foreach (var key in _keys.Values)
        {
            key.Dispose();
        }
    }
}
