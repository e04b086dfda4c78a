using Microsoft.Extensions.Configuration;

namespace EdgeInspector.Agent.Tests.Capture;

/// <summary>Capture:* is checked at start like every other section: each bad key named with what to write.</summary>
public sealed class CaptureOptionsTests
{
    [Fact]
    public void Bad_capture_keys_are_each_named_with_the_fix()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Capture:Enabled"] = "true",
            ["Capture:Format"] = "Gif",
            ["Capture:OkSampleRate"] = "2",
            ["Capture:MaxPending"] = "0",
            ["Capture:MaxBytes"] = "1000",
        }).Build();

        var problems = ConfigurationCheck.Problems(config);

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Capture:Format = 'Gif'", StringComparison.Ordinal) && p.Contains("one of Png, Jpeg", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Capture:OkSampleRate = '2'", StringComparison.Ordinal) && p.Contains("from 0 to 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Capture:MaxPending = '0'", StringComparison.Ordinal) && p.Contains("from 1 to 64", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Capture:MaxBytes = '1000'", StringComparison.Ordinal) && p.Contains("1048576", StringComparison.Ordinal));
    }
}
