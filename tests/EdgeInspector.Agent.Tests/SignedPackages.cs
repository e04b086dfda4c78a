using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Testing;
using EdgeInspector.Updates;
using OpenCvSharp;

namespace EdgeInspector.Agent.Tests;

/// <summary>A signing key pair and texture-baseline copies with other versions, signed with it (for push tests).</summary>
internal sealed class SignedPackages : IDisposable
{
    private readonly TempDirectory _dir = new();

    public SignedPackages() => PackageSigning.GenerateKeyPair(_dir.Combine("keys"));

    public string PublicKey => _dir.Combine("keys", "public.pem");

    public string Combine(params string[] parts) => _dir.Combine(parts);

    public string PrivateKey => _dir.Combine("keys", "private.pem");

    /// <summary>
    /// texture-baseline with manifest version <paramref name="version"/> and, optionally, golden
    /// self-test images (part.png, or part-{i}.png when <paramref name="goldenImages"/> &gt; 1, of
    /// <paramref name="goldenSize"/> pixels); signed with <paramref name="privateKey"/> (the trusted key by default).
    /// </summary>
    public string Make(string name, int version, string? privateKey = null, double? goldenExpected = null, double tolerance = 0.001, Action<JsonObject>? editManifest = null, int goldenImages = 1, Size? goldenSize = null)
    {
        string dir = _dir.Combine(name);
        Directory.CreateDirectory(dir);
        File.Copy(Path.Combine(RepoPaths.TextureBaselinePackage, "model.onnx"), Path.Combine(dir, "model.onnx"));
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.TextureBaselinePackage, "manifest.json")))!.AsObject();
        manifest["version"] = version;
        if (goldenExpected is { } expected)
        {
            Directory.CreateDirectory(Path.Combine(dir, "golden"));
            string[] images = goldenImages == 1 ? ["part.png"] : [.. Enumerable.Range(1, goldenImages).Select(i => $"part-{i}.png")];
            var size = goldenSize ?? new Size(160, 120);
            using (var part = new Mat(size.Height, size.Width, MatType.CV_8UC3, new Scalar(128, 128, 128)))
            {
                foreach (string image in images)
                {
                    Cv2.ImWrite(Path.Combine(dir, "golden", image), part);
                }
            }

            var expectedImages = new JsonObject();
            foreach (string image in images)
            {
                expectedImages[image] = expected;
            }

            File.WriteAllText(Path.Combine(dir, "golden", "expected.json"), new JsonObject { ["tolerance"] = tolerance, ["images"] = expectedImages }.ToJsonString());
            var files = manifest["files"]!.AsObject();
            foreach (string file in images.Select(i => "golden/" + i).Append("golden/expected.json"))
            {
                var d = ModelPackage.Describe(Path.Combine(dir, file));
                files[file] = new JsonObject { ["sha256"] = d.Sha256, ["bytes"] = d.Bytes };
            }
        }

        editManifest?.Invoke(manifest);
        File.WriteAllText(Path.Combine(dir, "manifest.json"), manifest.ToJsonString());
        PackageSigning.SignPackage(dir, privateKey ?? PrivateKey);
        return dir;
    }

    /// <summary>The demo agent as device <paramref name="deviceId"/> with updates on, trusting this key, state under this folder.</summary>
    public string[] AgentArgs(string deviceId, string broker, params string[] extra) =>
    [
        "--demo", "--model", RepoPaths.TextureBaselinePackage, "--device-id", deviceId, "--broker", broker, "--fps", "10",
        "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01",
        "--Updates:Enabled=true", "--Updates:TrustedKeys:0=" + PublicKey, "--Updates:StateDirectory=" + _dir.Combine("state-" + deviceId), .. extra,
    ];

    public void Dispose() => _dir.Dispose();
}
