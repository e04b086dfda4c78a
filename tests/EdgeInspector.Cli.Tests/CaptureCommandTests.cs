using EdgeInspector.Imaging;
using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Cli.Tests;

public sealed class CaptureCommandTests
{
    [Fact]
    public async Task Captures_full_resolution_pngs_into_the_dataset_folder()
    {
        using var dir = new TempDirectory();
        SyntheticParts.WriteSet(dir.Combine("line"), 3, seed: 2);
        string output = dir.Combine("data", "train", "good");

        var (code, stdout, stderr) = await CliRun.RunAsync("capture", "--camera", "replay:" + dir.Combine("line"), "--out", output, "--count", "3");

        Assert.True(code == 0, stderr);
        Assert.Contains("captured 3 image(s)", stdout, StringComparison.Ordinal);
        string[] files = Directory.GetFiles(output, "*.png").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["00000.png", "00001.png", "00002.png"], files.Select(Path.GetFileName));
        using var original = Cv2.ImRead(Directory.GetFiles(dir.Combine("line")).Order(StringComparer.Ordinal).First());
        using var captured = Cv2.ImRead(files[0]);
        Assert.Equal(original.Size(), captured.Size());
        Assert.Equal(0, Cv2.Norm(original, captured, NormTypes.INF));
    }

    [Fact]
    public async Task A_second_capture_appends_and_a_short_source_exits_1()
    {
        using var dir = new TempDirectory();
        SyntheticParts.WriteSet(dir.Combine("line"), 2, seed: 2);
        string output = dir.Combine("good");
        Assert.Equal(0, (await CliRun.RunAsync("capture", "--camera", "replay:" + dir.Combine("line"), "--out", output, "--count", "2")).Code);

        var (code, stdout, _) = await CliRun.RunAsync("capture", "--camera", "replay:" + dir.Combine("line"), "--out", output, "--count", "5");

        Assert.Equal(1, code);
        Assert.Contains("captured 2 image(s)", stdout, StringComparison.Ordinal);
        Assert.Equal(4, Directory.GetFiles(output, "*.png").Length);
    }

    [Fact]
    public async Task Captures_from_a_GenICam_camera_through_Aravis()
    {
        using var camera = new FakeGigECamera("EI09");
        camera.Start();
        using var dir = new TempDirectory();

        var (code, stdout, stderr) = await CliRun.RunAsync("capture", "--camera", "aravis:" + FakeGigECamera.Address, "--out", dir.Path, "--count", "3");

        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("BayerRG8", stdout, StringComparison.Ordinal);
        var files = Directory.GetFiles(dir.Path, "*.png");
        Assert.Equal(3, files.Length);
        using var image = Cv2.ImRead(files[0]);
        Assert.Equal(3, image.Channels());
        Assert.True(image.Width > 0 && image.Height > 0);
    }

    [Theory]
    [InlineData("firewire", "is not a camera")]
    [InlineData("replay:/nonexistent/folder", "does not exist")]
    public async Task A_bad_camera_is_refused_with_the_fix(string camera, string message)
    {
        using var dir = new TempDirectory();
        var (code, _, stderr) = await CliRun.RunAsync("capture", "--camera", camera, "--out", dir.Path);

        Assert.Equal(2, code);
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }
}
