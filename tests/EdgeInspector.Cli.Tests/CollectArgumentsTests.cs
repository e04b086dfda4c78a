namespace EdgeInspector.Cli.Tests;

/// <summary>collect's arguments are checked before it connects.</summary>
public sealed class CollectArgumentsTests
{
    [Theory]
    [InlineData("--kinds", "ng,scratch", "--kinds 'ng,scratch' is not a list of kinds; write a comma list of ng, uncertain, ok, error")]
    [InlineData("--since", "last week", "--since 'last week' is not a time; write RFC 3339")]
    [InlineData("--chunk-bytes", "10", "--chunk-bytes")]
    public async Task A_bad_collect_argument_is_named_before_anything_connects(string option, string value, string expected)
    {
        var result = await CliRun.RunAsync("collect", "--broker", "mqtt://127.0.0.1:1", "--device", "demo", "--out", Path.GetTempPath(), option, value);

        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Err, StringComparison.Ordinal);
    }
}
