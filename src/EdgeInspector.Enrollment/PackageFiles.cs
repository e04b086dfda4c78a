using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInspector.Core;

namespace EdgeInspector.Enrollment;

/// <summary>Edits of a package's manifest.json that keep every field the tool does not know about.</summary>
public static class PackageFiles
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static JsonObject ReadManifest(string packageDirectory)
    {
        string path = Path.Combine(packageDirectory, ModelPackage.ManifestFileName);
        try
        {
            return JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new ModelPackageException($"'{path}' is empty");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IOException)
        {
            throw new ModelPackageException($"'{path}' cannot be read as a manifest: {e.Message}", e);
        }
    }

    /// <summary>Writes manifest.json atomically: a temporary file in the same folder, then a rename over the old one.</summary>
    public static void WriteManifest(string packageDirectory, JsonObject manifest)
    {
        string path = Path.Combine(packageDirectory, ModelPackage.ManifestFileName);
        string temp = Path.Combine(packageDirectory, $".{ModelPackage.ManifestFileName}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temp, manifest.ToJsonString(Indented) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Lists every file with its SHA-256 and size (manifest.json itself is never listed).</summary>
    public static JsonObject DescribeFiles(string packageDirectory, IEnumerable<string> names)
    {
        var files = new JsonObject();
        foreach (string name in names.Order(StringComparer.Ordinal))
        {
            var described = ModelPackage.Describe(Path.Combine(packageDirectory, name));
            files[name] = new JsonObject { ["sha256"] = described.Sha256, ["bytes"] = described.Bytes };
        }

        return files;
    }

    public static string UtcNow() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
