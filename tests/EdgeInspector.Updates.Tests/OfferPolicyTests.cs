using System.Security.Cryptography;
using System.Text;
using EdgeInspector.Core;
using EdgeInspector.Testing;

namespace EdgeInspector.Updates.Tests;

public sealed class OfferPolicyTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _key;
    private readonly TrustedKeys _trusted;

    public OfferPolicyTests()
    {
        PackageSigning.GenerateKeyPair(_dir.Combine("keys"));
        _key = PackageSigning.LoadPrivateKey(_dir.Combine("keys", PackageSigning.PrivateKeyFileName));
        _trusted = new TrustedKeys([_dir.Combine("keys", PackageSigning.PublicKeyFileName)]);
    }

    private static byte[] Manifest(string name, int version, bool allowDowngrade = false) => Encoding.UTF8.GetBytes(
        "{\"format\":1,\"name\":\"" + name + "\",\"version\":" + version + (allowDowngrade ? ",\"allow_downgrade\":true" : "") +
        ",\"backbone\":\"x\",\"input\":{\"width\":16,\"height\":16,\"resize\":\"area\"},\"files\":{\"model.onnx\":{\"sha256\":\"" + new string('0', 64) + "\",\"bytes\":900}}}");

    private UpdateOffer Offer(byte[] manifest, long? totalBytes = null, ECDsa? key = null) =>
        new("t1", manifest, PackageSigning.Sign(manifest, key ?? _key).ToBytes(), totalBytes ?? 900, 256, 4);

    private static ModelManifest Serving(int version) => PackageLayout.FromManifest(Manifest("m", version)).Manifest;

    private static OfferContext Device(ModelManifest? serving, bool same = false, long max = 1 << 20, long free = 1L << 30) => new(serving, same, max, free, "/state");

    [Fact]
    public void A_newer_signed_package_of_the_serving_model_is_admitted()
    {
        var layout = OfferPolicy.Admit(Offer(Manifest("m", 2)), _trusted, Device(Serving(1)));

        Assert.Equal(2, layout.Manifest.Version);
        Assert.Equal(900, layout.TotalBytes);
    }

    [Fact]
    public void Trust_size_model_and_disk_are_each_refused_with_the_reason()
    {
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        string Refusal(UpdateOffer offer, OfferContext device) => Assert.Throws<UpdateException>(() => OfferPolicy.Admit(offer, _trusted, device)).Message;

        Assert.Contains("signed by unknown key", Refusal(Offer(Manifest("m", 2), key: stranger), Device(Serving(1))), StringComparison.Ordinal);
        Assert.Contains("offer says 901 bytes, the signed manifest lists 900", Refusal(Offer(Manifest("m", 2), totalBytes: 901), Device(Serving(1))), StringComparison.Ordinal);
        Assert.Contains("Updates:MaxPackageBytes allows 800", Refusal(Offer(Manifest("m", 2)), Device(Serving(1), max: 800)), StringComparison.Ordinal);
        Assert.Contains("has not loaded its model yet", Refusal(Offer(Manifest("m", 2)), Device(null)), StringComparison.Ordinal);
        Assert.Contains("this device serves model 'm'; the package is 'other'", Refusal(Offer(Manifest("other", 2)), Device(Serving(1))), StringComparison.Ordinal);
        Assert.Contains("not enough free disk under /state", Refusal(Offer(Manifest("m", 2)), Device(Serving(1), free: OfferPolicy.DiskNeeded(900) - 1)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_downgrade_needs_the_signed_allowance_unless_it_is_the_serving_package_again()
    {
        Assert.Contains("is not newer than the serving version 3", Assert.Throws<UpdateException>(() => OfferPolicy.Admit(Offer(Manifest("m", 2)), _trusted, Device(Serving(3)))).Message, StringComparison.Ordinal);
        Assert.Contains("is not newer", Assert.Throws<UpdateException>(() => OfferPolicy.Admit(Offer(Manifest("m", 3)), _trusted, Device(Serving(3)))).Message, StringComparison.Ordinal);

        Assert.Equal(2, OfferPolicy.Admit(Offer(Manifest("m", 2, allowDowngrade: true)), _trusted, Device(Serving(3))).Manifest.Version);
        Assert.Equal(3, OfferPolicy.Admit(Offer(Manifest("m", 3)), _trusted, Device(Serving(3), same: true)).Manifest.Version);
        Assert.False(OfferPolicy.AllowsDowngrade("not json"u8.ToArray()));
    }

    [Fact]
    public void An_offer_with_a_duplicate_key_is_refused_as_invalid()
    {
        var e = Assert.Throws<UpdateException>(() => UpdateOffer.Parse("""{"transfer_id":"a","transfer_id":"b"}"""u8));

        Assert.Contains("offer is not valid JSON", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _trusted.Dispose();
        _key.Dispose();
        _dir.Dispose();
    }
}
