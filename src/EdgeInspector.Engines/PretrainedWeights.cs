using System.Reflection;
using System.Security.Cryptography;

namespace EdgeInspector.Engines;

/// <summary>A pretrained weight file that is missing, damaged or not the expected one; the message names the fix.</summary>
public sealed class PretrainedWeightsException(string message) : Exception(message);

/// <summary>
/// Where the default engine's ImageNet ResNet18 (NuGet <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c>)
/// lies on this machine: the path the build verified, baked into this assembly. The build already
/// refuses a wrong file; <see cref="Verify"/> checks again for a file changed since.
/// </summary>
public static class PretrainedWeights
{
    public const string PackageId = "Microsoft.ML.DnnImageFeaturizer.ResNet18";

    /// <summary>Overrides the baked path (a machine whose NuGet cache moved, or an offline copy).</summary>
    public const string PathVariable = "EDGEINSPECTOR_RESNET18_ONNX";

    private static readonly Assembly Self = typeof(PretrainedWeights).Assembly;

    public static string ExpectedSha256 => Metadata("ResNet18Sha256");

    /// <summary>The ResNet18.onnx path: <see cref="PathVariable"/> when set, else the restored package's file.</summary>
    public static string ResNet18Path => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } overridden ? overridden : Metadata("ResNet18Onnx");

    /// <summary>The path of a file that exists and has the expected SHA-256, or an exception naming the fix.</summary>
    public static string Verify(string? path = null)
    {
        path ??= ResNet18Path;
        if (!File.Exists(path))
        {
            throw new PretrainedWeightsException($"pretrained ResNet18 weights not found at '{path}': they come from NuGet's {PackageId}; run 'dotnet restore EdgeInspector.sln' (or ./dev.sh demo) with access to the NuGet registry, or set {PathVariable} to a copy of ResNet18.onnx");
        }

        string actual;
        using (var stream = File.OpenRead(path))
        {
            actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        if (actual != ExpectedSha256)
        {
            throw new PretrainedWeightsException($"'{path}' has SHA-256 {actual}, not the ResNet18.onnx of {PackageId} ({ExpectedSha256}): a different or damaged file would change every feature silently; delete it (or the package folder in the NuGet cache) and restore again");
        }

        return path;
    }

    private static string Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new PretrainedWeightsException($"EdgeInspector.Engines was built without its '{key}' metadata; rebuild it with 'dotnet build src/EdgeInspector.Engines'");
}
