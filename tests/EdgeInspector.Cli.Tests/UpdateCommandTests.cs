using EdgeInspector.Testing;

namespace EdgeInspector.Cli.Tests;

public sealed class UpdateCommandTests
{
    [Fact]
    public async Task Keygen_sign_and_push_report_what_they_did_and_push_exits_1_when_no_device_answers()
    {
        using var dir = new TempDirectory();
        var (code, output, error) = await CliRun.RunAsync("keygen", "--out", dir.Combine("keys"));
        Assert.True(code == 0, error);
        Assert.Matches("key id [0-9a-f]{16}", output);
        Assert.Equal(2, (await CliRun.RunAsync("keygen", "--out", dir.Combine("keys"))).Code);

        string package = dir.Combine("pkg");
        CliRun.CopyPackage(RepoPaths.TextureBaselinePackage, package);
        using var broker = await MosquittoBroker.StartAsync();
        (code, _, error) = await CliRun.RunAsync("push", "--package", package, "--broker", broker.Uri, "--device", "nobody", "--timeout", "2");
        Assert.Equal(2, code);
        Assert.Contains("sign the package first", error, StringComparison.Ordinal);

        (code, output, error) = await CliRun.RunAsync("sign", "--package", package, "--key", dir.Combine("keys", "private.pem"));
        Assert.True(code == 0, error);
        Assert.True(File.Exists(Path.Combine(package, "manifest.sig")));
        Assert.Equal(2, (await CliRun.RunAsync("sign", "--package", package, "--key", dir.Combine("keys", "public.pem"))).Code);

        (code, output, _) = await CliRun.RunAsync("push", "--package", package, "--broker", broker.Uri, "--device", "nobody", "--timeout", "2");
        Assert.Equal(1, code);
        Assert.Matches(@"nobody\s+texture-baseline\s+1\s+timeout\s+0/1\s+0", output);
        Assert.Equal(2, (await CliRun.RunAsync("push", "--package", package, "--broker", "http://x", "--device", "d")).Code);
    }

    [Fact]
    public async Task Rollback_needs_a_signing_key_and_exits_1_when_no_device_answers()
    {
        using var dir = new TempDirectory();
        await CliRun.RunAsync("keygen", "--out", dir.Path);
        using var broker = await MosquittoBroker.StartAsync();

        var (code, _, error) = await CliRun.RunAsync("rollback", "--broker", broker.Uri, "--device", "nobody");
        Assert.Equal(2, code);
        Assert.Contains("--key is required", error, StringComparison.Ordinal);
        (code, _, error) = await CliRun.RunAsync("rollback", "--broker", broker.Uri, "--device", "nobody", "--key", dir.Combine("private.pem"), "--to", "0");
        Assert.Equal(2, code);
        Assert.Contains("--to must be an integer", error, StringComparison.Ordinal);

        (code, string output, _) = await CliRun.RunAsync("rollback", "--broker", broker.Uri, "--device", "nobody", "--key", dir.Combine("private.pem"), "--timeout", "1");
        Assert.Equal(1, code);
        Assert.Contains("nobody: rollback refused: no answer from nobody within 1 s", output, StringComparison.Ordinal);
    }
}
