using System.Text.Json;
using EdgeInspector.Cli;
using EdgeInspector.Testing;
using MQTTnet;
using static EdgeInspector.Agent.Tests.AgentMessages;

namespace EdgeInspector.Agent.Tests;

/// <summary>
/// The production broker setup (deploy/mosquitto: mutual TLS, certificate CN as identity, pattern ACLs) on a
/// real Mosquitto, with certificates issued in the test: the agent as device cell1, a workstation, a
/// technician, another device (cell2) trying to act for cell1, and clients without a valid certificate.
/// </summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class BrokerSecurityEndToEndTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly TestCertificates _certificates = new();
    private readonly SignedPackages _packages = new();

    private async Task<(int Code, string Output)> PushAsync(MosquittoBroker broker, string package, ClientCertificate identity, int timeoutSeconds)
    {
        using var output = new StringWriter();
        int code = await Commands.RunAsync(
            ["push", "--package", package, "--broker", broker.Uri, "--device", "cell1", "--timeout", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), "--chunk-bytes", "4096",
             "--ca", _certificates.CaFile, "--cert", identity.CertificateFile, "--key", identity.KeyFile],
            output,
            output);
        return (code, output.ToString());
    }

    [Fact]
    public async Task Devices_write_only_their_own_topics_the_workstation_pushes_and_clients_without_a_certificate_are_refused()
    {
        using var broker = await MosquittoBroker.StartSecuredAsync(_certificates);
        var workstation = _certificates.IssueClient("workstation");
        var cell1 = _certificates.IssueClient("cell1");
        var cell2 = _certificates.IssueClient("cell2");
        await using var watch = await MqttProbe.ConnectAsync(broker, _certificates, workstation, "edgeinspector/#");
        using var agent = AgentProcess.Start(_packages.AgentArgs("cell1", broker.Uri,
            "--Mqtt:Tls:CaFile=" + _certificates.CaFile, "--Mqtt:Tls:ClientCertificateFile=" + cell1.CertificateFile, "--Mqtt:Tls:ClientKeyFile=" + cell1.KeyFile));

        // The agent, authenticated by its device certificate, publishes; the workstation reads everything.
        await watch.WaitForAsync(p => p.On("cell1/verdict").Count() >= 3 && p.On("cell1/status").Any(s => s.Json.GetProperty("state").GetString() == "running"), Patience, "verdicts and status from cell1\n" + broker.Configuration);
        Assert.Contains($"MQTT connected to mqtts://127.0.0.1:{broker.Port}", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Broker rejected a message", agent.Output, StringComparison.Ordinal);

        // cell2's certificate cannot write under cell1's root: the broker answers "not authorized" and drops the message.
        await using (var intruder = await MqttProbe.ConnectAsync(broker, _certificates, cell2, "edgeinspector/cell1/#"))
        {
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await intruder.PublishAsync("edgeinspector/cell1/verdict", "\"forged\""u8.ToArray()));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await intruder.PublishAsync("edgeinspector/cell1/status", "\"forged\""u8.ToArray()));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await intruder.PublishAsync("edgeinspector/cell1/model/offer", "\"forged\""u8.ToArray()));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await intruder.PublishAsync("edgeinspector/cell1/cmd/rollback", "\"forged\""u8.ToArray()));
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await intruder.PublishAsync("edgeinspector/cell2/model/offer", "\"forged\""u8.ToArray()));

            // Its own verdict topic is allowed: once the workstation has that, anything forged before it would have arrived too.
            Assert.Equal(MqttClientPublishReasonCode.Success, await intruder.PublishAsync("edgeinspector/cell2/verdict", "\"own\""u8.ToArray()));
            await watch.WaitForAsync(p => p.On("cell2/verdict").Any(), Patience, "cell2's own verdict");
            Assert.DoesNotContain(watch.Messages, m => m.Text.Contains("forged", StringComparison.Ordinal));

            // ... and it reads nothing of cell1's (its subscription to edgeinspector/cell1/# delivers nothing).
            Assert.Empty(intruder.Messages);
        }

        // No certificate, or one from another CA: the TLS handshake fails, nothing connects.
        await Assert.ThrowsAnyAsync<Exception>(() => MqttProbe.ConnectAsync(broker, _certificates, null, null));
        using (var otherCa = new TestCertificates())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => MqttProbe.ConnectAsync(broker, _certificates, otherCa.IssueClient("workstation"), null));
        }

        // A technician may send commands (the reply goes to edgeinspector/cell1/reply/…) but not offer models.
        await using (var tech = await MqttProbe.ConnectAsync(broker, _certificates, _certificates.IssueClient("tech"), null))
        {
            var reply = await tech.RequestAsync("edgeinspector/cell1/cmd/status", "{}"u8.ToArray(), Patience, "edgeinspector/cell1/reply/tech-1");
            Assert.Equal("cell1", reply.Json.GetProperty("device").GetString());
            Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, await tech.PublishAsync("edgeinspector/cell1/model/offer", "{}"u8.ToArray()));
        }

        // edge-inspector push with a device certificate: the broker refuses the offer, push says so and exits 1.
        string v2 = _packages.Make("v2", 2);
        var (code, output) = await PushAsync(broker, v2, cell2, timeoutSeconds: 15);
        Assert.True(code == 1, output);
        Assert.Matches(@"cell1\s+texture-baseline\s+2\s+refused", output);
        Assert.Contains("ACL does not let this identity", output, StringComparison.Ordinal);
        Assert.DoesNotContain(watch.On("cell1/model/state"), _ => true);

        // With the workstation certificate over mqtts the update goes through.
        (code, output) = await PushAsync(broker, v2, workstation, timeoutSeconds: 60);
        Assert.True(code == 0, output + agent.Output);
        Assert.Matches(@"cell1\s+texture-baseline\s+2\s+active", output);
        await watch.WaitForAsync(p => p.On("cell1/status").Any(s => StatusVersion(s) == 2) && p.On("cell1/verdict").Any(v => VerdictVersion(v) == 2), Patience, "cell1 serving v2");
        Assert.DoesNotContain("Broker rejected a message", agent.Output, StringComparison.Ordinal);
        Assert.False(agent.HasExited, agent.Output);
    }

    public void Dispose()
    {
        _packages.Dispose();
        _certificates.Dispose();
    }
}
