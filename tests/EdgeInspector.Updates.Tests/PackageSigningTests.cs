using System.Security.Cryptography;
using System.Text;
using EdgeInspector.Testing;
using EdgeInspector.Updates;

namespace EdgeInspector.Updates.Tests;

public sealed class PackageSigningTests
{
    private static readonly byte[] Manifest = Encoding.UTF8.GetBytes("{\"format\":1,\"name\":\"m\",\"version\":2}\n");

    [Fact]
    public void Keygen_writes_a_p256_pair_whose_key_id_is_the_spki_hash_prefix()
    {
        using var dir = new TempDirectory();
        string keyId = PackageSigning.GenerateKeyPair(dir.Path);

        using var pub = ECDsa.Create();
        pub.ImportFromPem(File.ReadAllText(dir.Combine("public.pem")));
        Assert.Equal(256, pub.KeySize);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pub.ExportSubjectPublicKeyInfo()))[..16], keyId);
        Assert.Throws<UpdateException>(() => PackageSigning.GenerateKeyPair(dir.Path));
    }

    [Fact]
    public void A_trusted_key_verifies_the_exact_manifest_bytes_and_nothing_else()
    {
        using var dir = new TempDirectory();
        PackageSigning.GenerateKeyPair(dir.Path);
        using var key = PackageSigning.LoadKey(dir.Combine("private.pem"));
        var signature = PackageSignature.Parse(PackageSigning.Sign(Manifest, key).ToBytes());
        using var trusted = new TrustedKeys([dir.Combine("public.pem")]);

        trusted.Verify(Manifest, signature);

        byte[] changed = [.. Manifest];
        changed[^3] = (byte)'3';
        var e = Assert.Throws<UpdateException>(() => trusted.Verify(changed, signature));
        Assert.Contains("does not match manifest.json (it was changed after signing)", e.Message, StringComparison.Ordinal);
        byte[] whitespace = [.. Manifest, (byte)' '];
        Assert.Throws<UpdateException>(() => trusted.Verify(whitespace, signature));
    }

    [Fact]
    public void A_signature_by_an_unknown_key_is_refused_naming_both_key_ids()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        string trustedId = PackageSigning.GenerateKeyPair(a.Path);
        string otherId = PackageSigning.GenerateKeyPair(b.Path);
        using var other = PackageSigning.LoadKey(b.Combine("private.pem"));
        using var trusted = new TrustedKeys([a.Combine("public.pem")]);

        var e = Assert.Throws<UpdateException>(() => trusted.Verify(Manifest, PackageSigning.Sign(Manifest, other)));
        Assert.Contains($"unknown key {otherId}", e.Message, StringComparison.Ordinal);
        Assert.Contains(trustedId, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_package_writes_manifest_sig_and_refuses_a_public_key()
    {
        using var keys = new TempDirectory();
        using var package = new TempDirectory();
        PackageSigning.GenerateKeyPair(keys.Path);
        File.WriteAllBytes(package.Combine("manifest.json"), Manifest);

        var written = PackageSigning.SignPackage(package.Path, keys.Combine("private.pem"));
        var read = PackageSignature.Parse(File.ReadAllBytes(package.Combine("manifest.sig")));
        Assert.Equal(written.KeyId, read.KeyId);
        using var trusted = new TrustedKeys([keys.Combine("public.pem")]);
        trusted.Verify(File.ReadAllBytes(package.Combine("manifest.json")), read);

        Assert.Throws<UpdateException>(() => PackageSigning.SignPackage(package.Path, keys.Combine("public.pem")));
        Assert.Throws<UpdateException>(() => PackageSignature.Parse("{\"alg\":\"RS256\",\"key_id\":\"x\",\"signature\":\"AA==\"}"u8));
    }
}
