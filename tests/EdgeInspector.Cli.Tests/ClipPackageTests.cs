using System.Buffers.Binary;
using EdgeInspector.Core;
using EdgeInspector.Enrollment;
using EdgeInspector.Imaging;
using EdgeInspector.Inference;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Cli.Tests;

/// <summary>
/// The CLIP package end to end: the trainer writes a tiny random-weight CLIP and exports it,
/// enroll builds the memory bank in C#, and ONNX Runtime (through the agent's ModelRunner)
/// must reproduce PyTorch's anomaly maps for that package.
/// </summary>
public sealed class ClipPackageTests : IClassFixture<ClipPackageTests.Packages>
{
    private const int Size = 32; // the tiny CLIP's input

    private readonly Packages _p;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public ClipPackageTests(Packages packages, Xunit.Abstractions.ITestOutputHelper output)
    {
        _p = packages;
        _output = output;
    }

    /// <summary>Built once for the class: exported package, 6 good images, enrolled package.</summary>
    public sealed class Packages : IDisposable
    {
        private readonly TempDirectory _temp = new();
        private readonly Lazy<EnrollmentResult> _enrolled;
        private readonly Lazy<string> _memoryOnly;

        public Packages()
        {
            Exported = _temp.Combine("exported");
            Enrolled = _temp.Combine("enrolled");
            Good = _temp.Combine("good");
            _enrolled = new Lazy<EnrollmentResult>(Build);
            _memoryOnly = new Lazy<string>(BuildMemoryOnly);
        }

        public string Root => _temp.Path;

        public string Clip => _temp.Combine("clip");

        public string Exported { get; }

        public string Enrolled { get; }

        public string Good { get; }

        public EnrollmentResult Result => _enrolled.Value;

        /// <summary>The same CLIP exported with --text-weight 0 (memory bank only, as the demo package) and enrolled.</summary>
        public string EnrolledMemoryOnly => _memoryOnly.Value;

        private EnrollmentResult Build()
        {
            PythonTrainer.Run("make-tiny-clip", "--out", Clip, "--seed", "0");
            PythonTrainer.Run("export", "--clip", Clip, "--out", Exported, "--enrollable", "--name", "tiny-clip");
            DemoImages.Write(Good, 6, seed: 7, defectFraction: 0, mvtec: false);
            return Enrollment.Run(Exported, Good, Enrolled);
        }

        private string BuildMemoryOnly()
        {
            _ = Result;
            string exported = _temp.Combine("exported-memory-only");
            string enrolled = _temp.Combine("enrolled-memory-only");
            PythonTrainer.Run("export", "--clip", Clip, "--out", exported, "--enrollable", "--text-weight", "0", "--name", "tiny-clip");
            Enrollment.Run(exported, Good, enrolled);
            return enrolled;
        }

        public void Dispose() => _temp.Dispose();
    }

    [TrainerFact]
    public void Onnx_runtime_through_model_runner_matches_pytorch() => AssertParity(_p.Result.Package, "default");

    [TrainerFact]
    public void Memory_only_package_matches_pytorch_and_keeps_its_text_weight_through_enroll()
    {
        string package = _p.EnrolledMemoryOnly;
        var weight = OnnxInitializers.Read(File.ReadAllBytes(Path.Combine(package, ModelPackage.ModelFileName)), "text_weight");
        Assert.Equal([0f], weight.Data);
        AssertParity(package, "memory-only");
    }

    private void AssertParity(string package, string tag)
    {
        using var serving = new ServingPath(package);
        var inputs = new List<byte[]>();
        foreach (var (defect, seed) in new[] { (SyntheticDefect.None, 21), (SyntheticDefect.Scratch, 22), (SyntheticDefect.Crack, 23) })
        {
            using var bgr = SyntheticParts.Render(320, 240, defect, seed);
            string file = Path.Combine(_p.Root, $"parity-{tag}-{seed}.png");
            Cv2.ImWrite(file, bgr);
            inputs.Add(serving.Prepare(file));
        }

        string raw = Path.Combine(_p.Root, $"inputs-{tag}.u8");
        File.WriteAllBytes(raw, [.. inputs.SelectMany(i => i)]);
        string reference = Path.Combine(_p.Root, $"reference-{tag}.f32");
        PythonTrainer.Run("reference", "--clip", _p.Clip, "--package", package, "--images", raw, "--size", $"{Size}", "--out", reference);

        // The second reference shares no code with the trainer: a separately written float64
        // CLIP + AnomalyCLIP forward (tests/trainer/independent_reference.py).
        string independent = Path.Combine(_p.Root, $"independent-{tag}.f32");
        PythonTrainer.RunScript(Path.Combine("tests", "trainer", "independent_reference.py"),
            "--clip", _p.Clip, "--package", package, "--images", raw, "--size", $"{Size}", "--out", independent);

        var ort = new List<(float[] Map, float Score)>();
        foreach (byte[] input in inputs)
        {
            float score = serving.Score(input);
            ort.Add(([.. serving.Runner.Map.AsSpan(0, Size * Size)], score));
        }

        foreach (var (name, file) in new[] { ("PyTorch (trainer)", reference), ("independent float64 reference", independent) })
        {
            float[] maps = ReadFloats(file);
            float[] scores = ReadFloats(file + ".score");
            Assert.Equal(inputs.Count * Size * Size, maps.Length);
            double maxDiff = 0;
            for (int n = 0; n < inputs.Count; n++)
            {
                maxDiff = Math.Max(maxDiff, Math.Abs(ort[n].Score - scores[n]));
                for (int i = 0; i < Size * Size; i++)
                {
                    maxDiff = Math.Max(maxDiff, Math.Abs(ort[n].Map[i] - maps[(n * Size * Size) + i]));
                }
            }

            _output.WriteLine($"{tag}: max |ORT - {name}| over {inputs.Count} maps and scores: {maxDiff:G3}");
            Assert.True(maxDiff <= 1e-4, $"max |ORT - {name}| = {maxDiff:G3}");
        }
    }

    [TrainerFact]
    public void Enroll_writes_a_new_version_with_a_real_bank_and_valid_hashes()
    {
        var r = _p.Result;
        var source = ModelPackage.Load(_p.Exported);
        var enrolled = ModelPackage.Load(_p.Enrolled); // verifies every SHA-256

        Assert.Equal(source.Manifest.Version + 1, enrolled.Manifest.Version);
        Assert.Equal(source.Manifest.Files.Keys.Order(), enrolled.Manifest.Files.Keys.Order());
        Assert.Contains("features.onnx", enrolled.Manifest.Files.Keys);
        Assert.Equal(source.Manifest.Files["features.onnx"], enrolled.Manifest.Files["features.onnx"]);
        Assert.NotEqual(source.Manifest.Files["model.onnx"].Sha256, enrolled.Manifest.Files["model.onnx"].Sha256);

        var oldBank = OnnxInitializers.Read(File.ReadAllBytes(source.ModelPath), ModelLoader.MemoryBankName);
        var bank = OnnxInitializers.Read(File.ReadAllBytes(enrolled.ModelPath), ModelLoader.MemoryBankName);
        Assert.Equal([1L, 64], oldBank.Dims); // the exporter's placeholder
        Assert.Equal([6L * 16, 64], bank.Dims); // few-shot: every patch of 6 images (4x4 patches each)
        Assert.Equal(r.BankRows, (int)bank.Dims[0]);
        for (int row = 0; row < 3; row++)
        {
            double norm = Math.Sqrt(bank.Data.AsSpan(row * 64, 64).ToArray().Sum(v => (double)v * v));
            Assert.Equal(1.0, norm, 4); // patch features are L2-normalised in the graph
        }

        var d = enrolled.Manifest.Decision;
        Assert.InRange(d.ImageThreshold, 0, 1);
        Assert.InRange(d.PixelThreshold, 0, 1);
        Assert.True(d.ScoreScale > 0);
        Assert.Equal(r.Decision.ImageThreshold, d.ImageThreshold, 12);
        Assert.DoesNotContain("placeholder", enrolled.Manifest.Description, StringComparison.Ordinal);
    }

    [TrainerFact]
    public async Task Enroll_refuses_a_package_without_a_memory_bank_and_a_full_output_folder()
    {
        _ = _p.Result;
        var (code, _, stderr) = await CliRun.RunAsync("enroll", "--model", RepoPaths.TextureBaselinePackage, "--good", _p.Good, "--out", Path.Combine(_p.Root, "nope"));
        Assert.Equal(2, code);
        Assert.Contains("memory bank", stderr, StringComparison.Ordinal);

        (code, _, stderr) = await CliRun.RunAsync("enroll", "--model", _p.Exported, "--good", _p.Good, "--out", _p.Enrolled);
        Assert.Equal(2, code);
        Assert.Contains("is not empty", stderr, StringComparison.Ordinal);
    }

    private static float[] ReadFloats(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(4 * i, 4));
        }

        return values;
    }
}
