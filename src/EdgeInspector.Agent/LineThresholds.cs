using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Updates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Agent;

/// <summary>
/// The thresholds this line decides with: the manifest's, overridden for every model by
/// Model:ImageThreshold / PixelThreshold, and for one package by cmd/set-threshold. The command's
/// override is stored in {StateDirectory}/threshold.json keyed to the SHA-256 of that package's
/// manifest.json (which pins every file), so it survives a restart but never carries over to
/// another model after an update or a rollback.
/// </summary>
public sealed partial class LineThresholds
{
    public const string FileName = "threshold.json";
    public const string SourceManifest = "manifest";
    public const string SourceConfig = "config";
    public const string SourceCommand = "cmd/set-threshold";

    private readonly ModelOptions _config;
    private readonly string? _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private CommandOverride? _command;
    private Applied? _applied;

    /// <param name="stateDirectory">Where threshold.json lives; null keeps overrides in memory only (bench, tests).</param>
    public LineThresholds(ModelOptions config, string? stateDirectory = null, ILogger<LineThresholds>? logger = null)
    {
        _config = config;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        if (stateDirectory is not null)
        {
            _path = Path.Combine(stateDirectory, FileName);
            _command = Read(_path);
        }
    }

    /// <summary>The decision settings for parts scored by <paramref name="package"/>; cheap when the package has not changed.</summary>
    public DecisionSettings DecisionFor(ModelPackage package) => Resolve(package).Decision;

    /// <summary>Effective thresholds and where they come from, for status.</summary>
    public ThresholdStatus Status(ModelPackage package)
    {
        var applied = Resolve(package);
        return new ThresholdStatus(applied.Decision.ImageThreshold, applied.Decision.PixelThreshold, applied.Source);
    }

    /// <summary>The overrides in force for <paramref name="package"/> (null = the manifest's value).</summary>
    public (double? Image, double? Pixel) Overrides(ModelPackage package)
    {
        lock (_gate)
        {
            return _command is { } c && c.PackageSha256 == PackageSha256(package) ? (c.Image, c.Pixel) : (_config.ImageThreshold, _config.PixelThreshold);
        }
    }

    /// <summary>Stores the override for <paramref name="package"/> (atomically, before it applies) and applies it from the next part on.</summary>
    public void Set(ModelPackage package, double? image, double? pixel)
    {
        var command = new CommandOverride(PackageSha256(package), image, pixel);
        lock (_gate)
        {
            if (_path is not null)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                AtomicFile.Write(_path, JsonSerializer.SerializeToUtf8Bytes(new JsonObject
                {
                    ["package_sha256"] = command.PackageSha256,
                    ["model"] = package.Manifest.Name,
                    ["version"] = package.Manifest.Version,
                    ["image_threshold"] = image,
                    ["pixel_threshold"] = pixel,
                    ["set_at"] = DateTimeOffset.UtcNow,
                }));
            }

            _command = command;
            _applied = null;
        }

        Log.Set(_logger, package.Manifest.Name, package.Manifest.Version, image, pixel);
    }

    private Applied Resolve(ModelPackage package)
    {
        var applied = Volatile.Read(ref _applied);
        if (applied is not null && ReferenceEquals(applied.Package, package))
        {
            return applied;
        }

        lock (_gate)
        {
            var manifest = package.Manifest.Decision;
            string source = _config.ImageThreshold is null && _config.PixelThreshold is null ? SourceManifest : SourceConfig;
            double? image = _config.ImageThreshold;
            double? pixel = _config.PixelThreshold;
            if (_command is { } c)
            {
                if (c.PackageSha256 == PackageSha256(package))
                {
                    (image, pixel, source) = (c.Image, c.Pixel, SourceCommand);
                }
                else
                {
                    Log.OtherPackage(_logger, package.Manifest.Name, package.Manifest.Version);
                }
            }

            applied = new Applied(package, manifest with { ImageThreshold = image ?? manifest.ImageThreshold, PixelThreshold = pixel ?? manifest.PixelThreshold }, source);
            _applied = applied;
            return applied;
        }
    }

    private static string PackageSha256(ModelPackage package) =>
        Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(package.Directory, ModelPackage.ManifestFileName))));

    private CommandOverride? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var o = JsonNode.Parse(File.ReadAllBytes(path))!.AsObject();
            return new CommandOverride((string?)o["package_sha256"] ?? throw new InvalidOperationException("no package_sha256"), (double?)o["image_threshold"], (double?)o["pixel_threshold"]);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or IOException)
        {
            // Left in place: the next cmd/set-threshold replaces it.
            Log.Unreadable(_logger, path, e.Message);
            return null;
        }
    }

    private sealed record CommandOverride(string PackageSha256, double? Image, double? Pixel);

    private sealed record Applied(ModelPackage Package, DecisionSettings Decision, string Source);
}
