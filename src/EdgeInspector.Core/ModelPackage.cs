using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeInspector.Core;

/// <summary>A verified model package folder: manifest read, every listed file present with the right hash.</summary>
public sealed class ModelPackage
{
    public const string ManifestFileName = "manifest.json";
    public const string ModelFileName = "model.onnx";
    public const string Int8ModelFileName = "model.int8.onnx";
    public const string Fp32Key = "fp32";
    public const string Int8Key = "int8";

    private ModelPackage(string directory, ModelManifest manifest)
    {
        Directory = directory;
        Manifest = manifest;
    }

    public string Directory { get; }

    public ModelManifest Manifest { get; }

    public string ModelPath => Path.Combine(Directory, ModelFileName);

    public ModelIdentity Identity => new(Manifest.Name, Manifest.Version, Manifest.Files[ModelFileName].Sha256, Origin: Manifest.Origin);

    /// <summary>
    /// The INT8 QDQ model's file name inside the package: manifest <c>models.int8</c>, else
    /// model.int8.onnx when <c>files</c> lists it (packages from before the <c>models</c> field); null when none.
    /// </summary>
    public string? Int8ModelFile =>
        Manifest.Models is { } models && models.TryGetValue(Int8Key, out var name) ? name
        : Manifest.Files.ContainsKey(Int8ModelFileName) ? Int8ModelFileName : null;

    /// <summary>The file that serves <paramref name="requested"/>: FP32 model.onnx, or the INT8 model when the package has one (else FP32, with the reason).</summary>
    public ModelFileChoice SelectModel(ModelPrecision requested)
    {
        if (requested == ModelPrecision.Int8)
        {
            if (Int8ModelFile is { } int8)
            {
                return new ModelFileChoice(ModelPrecision.Int8, int8, Path.Combine(Directory, int8), Manifest.Files[int8].Sha256, null);
            }

            return new ModelFileChoice(
                ModelPrecision.Fp32,
                ModelFileName,
                ModelPath,
                Manifest.Files[ModelFileName].Sha256,
                $"package {Manifest.Name} v{Manifest.Version} has no INT8 model (manifest models.int8 / {Int8ModelFileName}); serving FP32 {ModelFileName}. Export it with the trainer's --int8 to serve INT8.");
        }

        return new ModelFileChoice(ModelPrecision.Fp32, ModelFileName, ModelPath, Manifest.Files[ModelFileName].Sha256, null);
    }

    /// <summary>Reads and verifies a package. Throws <see cref="ModelPackageException"/> naming the problem and the fix.</summary>
    public static ModelPackage Load(string directory)
    {
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new ModelPackageException($"Model package folder '{full}' does not exist. Set Model:Package to a folder holding {ManifestFileName} and {ModelFileName}.");
        }

        var manifest = ReadManifest(Path.Combine(full, ManifestFileName));
        Validate(manifest, full);
        foreach (var (name, expected) in manifest.Files)
        {
            VerifyFile(full, name, expected);
        }

        return new ModelPackage(full, manifest);
    }

    public static ModelManifest ReadManifest(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelPackageException($"'{path}' is missing. A model package needs a {ManifestFileName}; re-export the package on the workstation.");
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, ManifestJson.Default.ModelManifest)
                ?? throw new ModelPackageException($"'{path}' is empty. Re-export the package on the workstation.");
        }
        catch (JsonException e)
        {
            throw new ModelPackageException($"'{path}' is not valid JSON ({e.Message}). Re-export the package on the workstation.", e);
        }
    }

    private static void Validate(ModelManifest m, string directory)
    {
        string where = Path.Combine(directory, ManifestFileName);
        var problems = new List<string>();
        if (m.Format != ModelManifest.SupportedFormat)
        {
            problems.Add($"format is {m.Format}, this agent reads format {ModelManifest.SupportedFormat}");
        }

        if (string.IsNullOrWhiteSpace(m.Name))
        {
            problems.Add("name is empty");
        }

        if (m.Version < 1)
        {
            problems.Add("version must be a positive integer");
        }

        if (m.Input.Width is < 16 or > 4096 || m.Input.Height is < 16 or > 4096)
        {
            problems.Add($"input size {m.Input.Width}x{m.Input.Height} is outside 16..4096");
        }

        if (m.Input.Resize is not ("bilinear" or "bicubic" or "area"))
        {
            problems.Add($"input.resize '{m.Input.Resize}' is not one of bilinear, bicubic, area");
        }

        var d = m.Decision;
        if (d.ImageThreshold is < 0 or > 1 || d.PixelThreshold is < 0 or > 1)
        {
            problems.Add("decision thresholds must lie in [0,1]");
        }

        if (d.ScoreScale <= 0)
        {
            problems.Add("decision.score_scale must be > 0");
        }

        if (!m.Files.ContainsKey(ModelFileName))
        {
            problems.Add($"files does not list {ModelFileName}");
        }

        foreach (var (key, name) in m.Models ?? [])
        {
            if (!m.Files.ContainsKey(name))
            {
                problems.Add($"models.{key} names '{name}', which files does not list");
            }
            else if (key == Fp32Key && name != ModelFileName)
            {
                problems.Add($"models.{Fp32Key} must be {ModelFileName}, not '{name}'");
            }
        }

        foreach (var (name, file) in m.Files)
        {
            if (name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name))
            {
                problems.Add($"file name '{name}' leaves the package folder");
            }
            else if (file.Sha256 is not { Length: 64 })
            {
                problems.Add($"files['{name}'].sha256 is not a 64-digit hex SHA-256");
            }
        }

        if (problems.Count > 0)
        {
            throw new ModelPackageException($"'{where}' is invalid: {string.Join("; ", problems)}. Fix the manifest or re-export the package.");
        }
    }

    private static void VerifyFile(string directory, string name, PackageFile expected)
    {
        string path = Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            throw new ModelPackageException($"'{path}' is listed in the manifest but missing. Copy the whole package again.");
        }

        using var stream = File.OpenRead(path);
        string actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (!string.Equals(actual, expected.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelPackageException($"'{path}' is corrupt or was changed: SHA-256 {actual} does not match the manifest's {expected.Sha256}. Copy the package again from its source.");
        }
    }

    /// <summary>SHA-256 and size of a file, as the manifest lists it.</summary>
    public static PackageFile Describe(string path)
    {
        using var stream = File.OpenRead(path);
        return new PackageFile(Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }
}
