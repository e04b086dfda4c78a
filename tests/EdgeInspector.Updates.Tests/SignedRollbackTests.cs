using System.Text;
using System.Text.Json.Nodes;
using EdgeInspector.Testing;
using EdgeInspector.Updates;

namespace EdgeInspector.Updates.Tests;

public sealed class SignedRollbackTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly TrustedKeys _trusted;

    public SignedRollbackTests()
    {
        PackageSigning.GenerateKeyPair(_dir.Combine("keys"));
        _trusted = new TrustedKeys([_dir.Combine("keys", "public.pem")]);
    }

    private byte[] Signed(string device, int? to, DateTimeOffset issuedAt)
    {
        using var key = PackageSigning.LoadKey(_dir.Combine("keys", "private.pem"));
        return SignedRollback.Create(device, to, key, issuedAt);
    }

    private UpdateException Refused(byte[] payload, string device = "cell1") =>
        Assert.Throws<UpdateException>(() => SignedRollback.Verify(payload, _trusted, device, Now));

    [Fact]
    public void A_fresh_command_for_this_device_verifies_with_its_target()
    {
        var previous = SignedRollback.Verify(Signed("cell1", null, Now.AddSeconds(-30)), _trusted, "cell1", Now);
        var toV3 = SignedRollback.Verify(Signed("cell1", 3, Now.AddSeconds(30)), _trusted, "cell1", Now);

        Assert.Null(previous.ToVersion);
        Assert.Equal(3, toV3.ToVersion);
        Assert.Equal(32, previous.Nonce.Length);
        Assert.NotEqual(previous.Nonce, toV3.Nonce);
    }

    [Fact]
    public void Unsigned_tampered_foreign_key_wrong_device_stale_and_future_commands_are_refused_naming_the_problem()
    {
        Assert.Contains("must be signed", Refused("{}"u8.ToArray()).Message, StringComparison.Ordinal);
        Assert.Contains("edge-inspector rollback --broker", Refused("{}"u8.ToArray()).Message, StringComparison.Ordinal);

        var envelope = JsonNode.Parse(Signed("cell1", null, Now))!.AsObject();
        string command = Encoding.UTF8.GetString(Convert.FromBase64String((string)envelope["command"]!));
        envelope["command"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(command.Replace("cell1", "cell2", StringComparison.Ordinal)));
        Assert.Contains("does not match the rollback command", Refused(Encoding.UTF8.GetBytes(envelope.ToJsonString()), "cell2").Message, StringComparison.Ordinal);

        using var other = new TempDirectory();
        PackageSigning.GenerateKeyPair(other.Path);
        using (var foreign = PackageSigning.LoadKey(other.Combine("private.pem")))
        {
            Assert.Contains("signed by unknown key", Refused(SignedRollback.Create("cell1", null, foreign, Now)).Message, StringComparison.Ordinal);
        }

        Assert.Contains("signed for device 'cell2', this is 'cell1'", Refused(Signed("cell2", null, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("360 s ago; a device accepts one within 5 min", Refused(Signed("cell1", null, Now.AddMinutes(-6))).Message, StringComparison.Ordinal);
        Assert.Contains("in the future", Refused(Signed("cell1", null, Now.AddMinutes(6))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_nonce_is_obeyed_once_also_after_a_restart()
    {
        string path = _dir.Combine("state", "command-nonces.json");
        new CommandNonces(path).Use("0123456789abcdef", Now, Now);

        var restarted = new CommandNonces(path);

        var e = Assert.Throws<UpdateException>(() => restarted.Use("0123456789abcdef", Now, Now.AddSeconds(10)));
        Assert.Contains("already carried out; a replay is refused", e.Message, StringComparison.Ordinal);
        restarted.Use("fedcba9876543210", Now, Now.AddSeconds(10));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0)]
    public void A_target_below_version_1_is_refused(int target)
    {
        var e = Refused(Signed("cell1", target, Now));

        Assert.Contains("a version number of 1 or more, got " + target, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checking_a_nonce_does_not_use_it()
    {
        var nonces = new CommandNonces(_dir.Combine("state", "command-nonces.json"));

        nonces.Check("0123456789abcdef", Now);
        nonces.Check("0123456789abcdef", Now);
        nonces.Use("0123456789abcdef", Now, Now);

        Assert.Throws<UpdateException>(() => nonces.Check("0123456789abcdef", Now.AddSeconds(1)));
    }

    public void Dispose()
    {
        _trusted.Dispose();
        _dir.Dispose();
    }
}
