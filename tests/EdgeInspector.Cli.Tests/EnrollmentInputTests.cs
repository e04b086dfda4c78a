using EdgeInspector.Testing;
using OpenCvSharp;

namespace EdgeInspector.Cli.Tests;

/// <summary>Good images enroll cannot use are refused before any work, with the fix, and nothing is written.</summary>
public sealed class EnrollmentInputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string Good => _temp.Combine("good");

    private string Out => _temp.Combine("enrolled");

    [Fact]
    public void Enroll_refuses_good_images_of_mixed_sizes_naming_both_files()
    {
        DemoImages.Write(Good, 4, 7, 0, mvtec: false);
        string odd = Path.Combine(Good, "zz_other_camera.png");
        using (var big = new Mat(600, 800, MatType.CV_8UC3, Scalar.All(128)))
        {
            Cv2.ImWrite(odd, big);
        }

        var e = Assert.Throws<CliException>(() => Enrollment.Run(RepoPaths.DemoClipPackage, Good, Out));

        Assert.Contains("good images of mixed sizes", e.Message, StringComparison.Ordinal);
        Assert.Contains("'" + odd + "' is 800x600", e.Message, StringComparison.Ordinal);
        Assert.Contains("is 640x480", e.Message, StringComparison.Ordinal);
        Assert.Contains("enroll on images of one camera setup", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    [Fact]
    public void Enroll_refuses_a_single_good_image_saying_how_many_it_needs()
    {
        DemoImages.Write(Good, 1, 7, 0, mvtec: false);

        var e = Assert.Throws<CliException>(() => Enrollment.Run(RepoPaths.DemoClipPackage, Good, Out));

        Assert.Contains("1 good part(s): enroll needs at least 2", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Out));
    }

    public void Dispose() => _temp.Dispose();
}
