using System.Text;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Testing;

namespace EdgeInspector.Core.Tests;

public sealed class ModelPackageTests : IDisposable
{
    private static readonly byte[] ModelBytes = Encoding.ASCII.GetBytes("not really onnx, but the loader only hashes it");

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>Writes a consistent package (model bytes + a manifest with their real hash) and returns its manifest for editing.</summary>
    private JsonObject WriteValidPackage(string folder = "pkg")
    {
        string dir = _temp.Combine(folder);
        Directory.CreateDirectory(dir);
        File.WriteAllBytes(Path.Combine(dir, ModelPackage.ModelFileName), ModelBytes);
        var described = ModelPackage.Describe(Path.Combine(dir, ModelPackage.ModelFileName));
        var manifest = new JsonObject
        {
            ["format"] = 1,
            ["name"] = "unit-model",
            ["version"] = 3,
            ["backbone"] = "test",
            ["input"] = new JsonObject { ["width"] = 224, ["height"] = 160, ["resize"] = "bilinear" },
            ["decision"] = new JsonObject
            {
                ["image_threshold"] = 0.4,
                ["pixel_threshold"] = 0.6,
                ["score_scale"] = 0.1,
                ["min_region_area_px"] = 9,
            },
            ["metrics"] = new JsonObject { ["auroc"] = 0.97 },
            ["files"] = new JsonObject
            {
                [ModelPackage.ModelFileName] = new JsonObject { ["sha256"] = described.Sha256, ["bytes"] = described.Bytes },
            },
        };
        WriteManifest(manifest, folder);
        return manifest;
    }

    private void WriteManifest(JsonObject manifest, string folder = "pkg") =>
        File.WriteAllText(_temp.Combine(folder, ModelPackage.ManifestFileName), manifest.ToJsonString());

    private string PackageDir(string folder = "pkg") => _temp.Combine(folder);

    [Fact]
    public void Valid_package_loads_with_its_manifest_values()
    {
        WriteValidPackage();

        var package = ModelPackage.Load(PackageDir());

        Assert.Equal(Path.GetFullPath(PackageDir()), package.Directory);
        Assert.Equal(Path.Combine(package.Directory, "model.onnx"), package.ModelPath);
        var m = package.Manifest;
        Assert.Equal(1, m.Format);
        Assert.Equal(224, m.Input.Width);
        Assert.Equal(160, m.Input.Height);
        Assert.Equal("bilinear", m.Input.Resize);
        Assert.Equal(0.4, m.Decision.ImageThreshold);
        Assert.Equal(0.6, m.Decision.PixelThreshold);
        Assert.Equal(0.1, m.Decision.ScoreScale);
        Assert.Equal(9, m.Decision.MinRegionAreaPx);
        Assert.Equal(0.97, m.Metrics["auroc"]);
        Assert.Equal(ModelBytes.Length, m.Files["model.onnx"].Bytes);

        var expectedSha = ModelPackage.Describe(package.ModelPath).Sha256;
        Assert.Equal(new ModelIdentity("unit-model", 3, expectedSha), package.Identity);
    }

    [Fact]
    public void Enrolled_good_scores_are_optional_and_read_when_present()
    {
        var manifest = WriteValidPackage();
        Assert.Null(ModelPackage.Load(PackageDir()).Manifest.GoodScores);

        manifest["good_scores"] = new JsonObject { ["p50"] = 0.21, ["p95"] = 0.3, ["count"] = 40 };
        WriteManifest(manifest);

        Assert.Equal(new GoodScores { P50 = 0.21, P95 = 0.3, Count = 40 }, ModelPackage.Load(PackageDir()).Manifest.GoodScores);
        // Nearest rank, whatever the order the scores come in.
        Assert.Equal(new GoodScores { P50 = 5, P95 = 10, Count = 10 }, GoodScores.Of([10, 9, 8, 7, 6, 5, 4, 3, 2, 1]));
    }

    [Fact]
    public void The_shipped_texture_baseline_package_loads()
    {
        var package = ModelPackage.Load(RepoPaths.TextureBaselinePackage);

        Assert.Equal("texture-baseline", package.Manifest.Name);
        Assert.True(File.Exists(package.ModelPath));
        Assert.Equal(64, package.Identity.Sha256.Length);
    }

    [Fact]
    public void Describe_returns_lowercase_sha256_and_size()
    {
        string path = _temp.Combine("abc.bin");
        File.WriteAllText(path, "abc");

        var described = ModelPackage.Describe(path);

        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", described.Sha256);
        Assert.Equal(3, described.Bytes);
    }

    [Fact]
    public void Missing_folder_is_reported_with_its_path()
    {
        string missing = _temp.Combine("does-not-exist");

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(missing));

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_manifest_is_reported()
    {
        Directory.CreateDirectory(PackageDir());
        File.WriteAllBytes(Path.Combine(PackageDir(), "model.onnx"), ModelBytes);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("manifest.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"format\": 1, ")]
    [InlineData("")]
    [InlineData("[1, 2, 3]")]
    [InlineData("{ \"format\": \"one\" }")]
    public void Invalid_json_is_reported_as_a_package_problem(string text)
    {
        WriteValidPackage();
        File.WriteAllText(Path.Combine(PackageDir(), "manifest.json"), text);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("not valid JSON", e.Message, StringComparison.Ordinal);
        Assert.Contains("manifest.json", e.Message, StringComparison.Ordinal);
        Assert.NotNull(e.InnerException);
    }

    [Fact]
    public void Json_null_manifest_is_reported_as_empty()
    {
        WriteValidPackage();
        File.WriteAllText(Path.Combine(PackageDir(), "manifest.json"), "null");

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    public void Unsupported_format_is_rejected(int format)
    {
        var manifest = WriteValidPackage();
        manifest["format"] = format;
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains($"format is {format}", e.Message, StringComparison.Ordinal);
        Assert.Contains("format 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_manifest_problems_are_reported_together()
    {
        var manifest = WriteValidPackage();
        manifest["name"] = " ";
        manifest["version"] = 0;
        manifest["input"] = new JsonObject { ["width"] = 8, ["height"] = 224, ["resize"] = "nearest" };
        manifest["decision"] = new JsonObject { ["image_threshold"] = 1.5, ["score_scale"] = 0 };
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("name is empty", e.Message, StringComparison.Ordinal);
        Assert.Contains("version must be a positive integer", e.Message, StringComparison.Ordinal);
        Assert.Contains("input size 8x224", e.Message, StringComparison.Ordinal);
        Assert.Contains("'nearest'", e.Message, StringComparison.Ordinal);
        Assert.Contains("thresholds must lie in [0,1]", e.Message, StringComparison.Ordinal);
        Assert.Contains("score_scale must be > 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_that_does_not_list_the_model_is_rejected()
    {
        var manifest = WriteValidPackage();
        manifest["files"] = new JsonObject();
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("files does not list model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_model_file_is_reported_with_its_path()
    {
        WriteValidPackage();
        string model = Path.Combine(PackageDir(), "model.onnx");
        File.Delete(model);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains(Path.GetFullPath(model), e.Message, StringComparison.Ordinal);
        Assert.Contains("missing", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256_mismatch_names_the_file()
    {
        WriteValidPackage();
        string model = Path.Combine(PackageDir(), "model.onnx");
        File.WriteAllBytes(model, [.. ModelBytes, 0x00]);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains(Path.GetFullPath(model), e.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Contains(ModelPackage.Describe(model).Sha256, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256_mismatch_of_an_extra_listed_file_names_that_file()
    {
        var manifest = WriteValidPackage();
        File.WriteAllText(Path.Combine(PackageDir(), "labels.txt"), "scratch\ncrack\n");
        ((JsonObject)manifest["files"]!)["labels.txt"] = new JsonObject { ["sha256"] = new string('0', 64), ["bytes"] = 14 };
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("labels.txt", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Sha256_comparison_ignores_hex_case()
    {
        var manifest = WriteValidPackage();
        var model = (JsonObject)manifest["files"]!["model.onnx"]!;
        model["sha256"] = model["sha256"]!.GetValue<string>().ToUpperInvariant();
        WriteManifest(manifest);

        var package = ModelPackage.Load(PackageDir());

        Assert.Equal("unit-model", package.Manifest.Name);
    }

    [Fact]
    public void Malformed_sha256_is_rejected()
    {
        var manifest = WriteValidPackage();
        ((JsonObject)manifest["files"]!["model.onnx"]!)["sha256"] = "abc123";
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("files['model.onnx'].sha256 is not a 64-digit hex SHA-256", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../outside.bin")]
    [InlineData("sub/../../outside.bin")]
    [InlineData("/etc/passwd")]
    public void File_names_that_leave_the_package_are_rejected_before_any_file_is_read(string name)
    {
        var manifest = WriteValidPackage();
        // The target exists and hashes right: the name alone must be refused.
        File.WriteAllText(_temp.Combine("outside.bin"), "x");
        ((JsonObject)manifest["files"]!)[name] = new JsonObject { ["sha256"] = ModelPackage.Describe(_temp.Combine("outside.bin")).Sha256, ["bytes"] = 1 };
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains($"file name '{name}' leaves the package folder", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadManifest_parses_snake_case_and_skips_comments()
    {
        string path = _temp.Combine("manifest.json");
        File.WriteAllText(path, """
            {
              // trainer output
              "format": 1, "name": "n", "version": 2, "created_utc": "2025-01-01T00:00:00Z",
              "input": { "width": 32, "height": 48, "resize": "area" },
              "decision": { "min_region_area_px": 4 },
              "unknown_field": true
            }
            """);

        var m = ModelPackage.ReadManifest(path);

        Assert.Equal("2025-01-01T00:00:00Z", m.CreatedUtc);
        Assert.Equal(32, m.Input.Width);
        Assert.Equal(48, m.Input.Height);
        Assert.Equal("area", m.Input.Resize);
        Assert.Equal(4, m.Decision.MinRegionAreaPx);
        Assert.Equal(0.5, m.Decision.ImageThreshold);
    }
    [Fact]
    public void Omitted_decision_fields_keep_their_documented_defaults()
    {
        var manifest = WriteValidPackage();
        manifest["decision"] = new JsonObject { ["pixel_threshold"] = 0.7 };
        WriteManifest(manifest);

        var d = ModelPackage.Load(PackageDir()).Manifest.Decision;

        Assert.Equal(0.7, d.PixelThreshold);
        Assert.Equal(new DecisionSettings(), d with { PixelThreshold = 0.5 });
    }

    [Fact]
    public void Omitted_decision_block_uses_the_defaults()
    {
        var manifest = WriteValidPackage();
        manifest.Remove("decision");
        manifest.Remove("metrics");
        WriteManifest(manifest);

        var m = ModelPackage.Load(PackageDir()).Manifest;

        Assert.Equal(new DecisionSettings(), m.Decision);
        Assert.Empty(m.Metrics);
    }

    [Fact]
    public void Omitted_input_and_files_are_reported_as_manifest_problems()
    {
        var manifest = WriteValidPackage();
        manifest.Remove("input");
        manifest.Remove("files");
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("input size 0x0", e.Message, StringComparison.Ordinal);
        Assert.Contains("files does not list model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("decision")]
    [InlineData("input")]
    [InlineData("files")]
    [InlineData("name")]
    public void Explicit_null_for_a_required_object_is_a_manifest_error(string field)
    {
        var manifest = WriteValidPackage();
        manifest[field] = null;
        WriteManifest(manifest);

        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.Load(PackageDir()));

        Assert.Contains("manifest.json", e.Message, StringComparison.Ordinal);
    }
}
