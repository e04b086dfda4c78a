using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Core;

namespace EdgeInspector.Updates;

/// <summary>What the device knows when it judges an offer: nothing here is read from disk or the clock.</summary>
/// <param name="Serving">The serving package's manifest, or null before the first model has loaded.</param>
/// <param name="ServesOfferedManifest">Whether the offered manifest.json is, byte for byte, the serving one.</param>
/// <param name="MaxPackageBytes">Updates:MaxPackageBytes.</param>
/// <param name="FreeBytes">Free bytes under the state directory.</param>
/// <param name="StateDirectory">Named in the refusal when the disk is too full.</param>
public sealed record OfferContext(ModelManifest? Serving, bool ServesOfferedManifest, long MaxPackageBytes, long FreeBytes, string StateDirectory);

/// <summary>
/// Whether a device admits a model package on offer (docs/model-updates.md): signed by a trusted
/// key, the byte count the signed manifest lists and within Updates:MaxPackageBytes, the model
/// the device serves, newer than the serving version (unless the signed manifest says
/// <c>"allow_downgrade": true</c>, or it is the serving package pushed again), and room on disk
/// for staging plus install. Pure: the device passes in what it serves and has free.
/// </summary>
public static class OfferPolicy
{
    /// <summary>Staging and the installed copy, plus a margin for the pointer and logs.</summary>
    public static long DiskNeeded(long totalBytes) => (2 * totalBytes) + (16L << 20);

    /// <summary>The offered package's layout when admitted; otherwise <see cref="UpdateException"/> saying why.</summary>
    public static PackageLayout Admit(UpdateOffer offer, TrustedKeys keys, OfferContext device)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(device);
        keys.Verify(offer.Manifest, PackageSignature.Parse(offer.Signature));
        var layout = PackageLayout.FromManifest(offer.Manifest);
        var m = layout.Manifest;
        if (layout.TotalBytes != offer.TotalBytes)
        {
            throw new UpdateException($"offer says {offer.TotalBytes} bytes, the signed manifest lists {layout.TotalBytes}");
        }

        if (offer.TotalBytes > device.MaxPackageBytes)
        {
            throw new UpdateException($"package is {offer.TotalBytes} bytes, Updates:MaxPackageBytes allows {device.MaxPackageBytes}");
        }

        var serving = device.Serving ?? throw new UpdateException("the agent has not loaded its model yet; offer again when it is running");
        if (m.Name != serving.Name)
        {
            throw new UpdateException($"this device serves model '{serving.Name}'; the package is '{m.Name}'");
        }

        if (m.Version <= serving.Version && !AllowsDowngrade(offer.Manifest) && !device.ServesOfferedManifest)
        {
            throw new UpdateException($"version {m.Version} is not newer than the serving version {serving.Version} (a downgrade needs \"allow_downgrade\": true in the signed manifest, or cmd/rollback)");
        }

        long needed = DiskNeeded(offer.TotalBytes);
        if (device.FreeBytes < needed)
        {
            throw new UpdateException($"not enough free disk under {device.StateDirectory}: {device.FreeBytes} bytes free, {needed} needed (staging + install)");
        }

        return layout;
    }

    /// <summary>Whether the signed manifest allows installing a version not newer than the serving one.</summary>
    public static bool AllowsDowngrade(byte[] manifest)
    {
        try
        {
            return JsonNode.Parse(manifest)?["allow_downgrade"]?.GetValue<bool>() == true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }
}
