using System.ComponentModel.DataAnnotations;

namespace EdgeInspector.Acquisition.Tests;

public sealed class AravisOptionsTests
{
    private static string[] Failures(AravisOptions options)
    {
        var result = new AravisOptionsValidator().Validate(null, options);
        return result.Failed ? [.. result.Failures] : [];
    }

    [Fact]
    public void Defaults_are_valid()
    {
        var options = new AravisOptions();

        Assert.Empty(Failures(options));
        Assert.Equal(("BayerRG8", CameraTrigger.FreeRun, 8, 2000), (options.PixelFormat, options.Trigger, options.BufferCount, options.TimeoutMs));
        Assert.Null(options.StrobeLine);
    }

    [Theory]
    [InlineData("BayerGB8")]
    [InlineData("Mono16")]
    [InlineData("")]
    public void Only_the_pixel_formats_the_pipeline_reads_are_accepted(string format)
    {
        var failures = Failures(new AravisOptions { PixelFormat = format });

        Assert.Contains(failures, f => f.Contains("PixelFormat", StringComparison.Ordinal));
    }

    [Fact]
    public void Out_of_range_numbers_and_bad_line_names_are_named()
    {
        var failures = string.Join("\n", Failures(new AravisOptions { BufferCount = 1, TimeoutMs = 0, ExposureUs = 0, StrobeLine = "Line 1" }));

        Assert.Contains("BufferCount", failures, StringComparison.Ordinal);
        Assert.Contains("TimeoutMs", failures, StringComparison.Ordinal);
        Assert.Contains("ExposureUs", failures, StringComparison.Ordinal);
        Assert.Contains("StrobeLine", failures, StringComparison.Ordinal);
    }

    [Fact]
    public void Data_annotations_agree_with_the_generated_validator()
    {
        var options = new AravisOptions { Width = -1 };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.NotEmpty(Failures(options));
    }
}
