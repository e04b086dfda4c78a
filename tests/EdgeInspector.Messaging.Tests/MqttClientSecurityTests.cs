using EdgeInspector.Testing;
using MQTTnet;

namespace EdgeInspector.Messaging.Tests;

public sealed class MqttClientSecurityTests
{
    [Fact]
    public void Loads_a_pem_client_certificate_with_its_key_and_the_ca()
    {
        using var certificates = new TestCertificates();
        var device = certificates.IssueClient("line1-cell1");

        using var certificate = MqttClientSecurity.LoadClientCertificate(device.CertificateFile, device.KeyFile);
        Assert.True(certificate.HasPrivateKey);
        Assert.Equal("line1-cell1", certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
        Assert.Single(MqttClientSecurity.LoadCa(certificates.CaFile)!);
        Assert.Null(MqttClientSecurity.LoadCa(null));

        var options = MqttClientSecurity.Apply(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", 8883), BrokerAddress.Parse("mqtts://127.0.0.1"), "u", "p",
            new MqttTlsOptions { CaFile = certificates.CaFile, ClientCertificateFile = device.CertificateFile, ClientKeyFile = device.KeyFile }).Build();
        Assert.True(options.ChannelOptions.TlsOptions.UseTls);
        Assert.Equal("u", options.Credentials.GetUserName(options));
    }

    [Fact]
    public void Unusable_files_name_themselves()
    {
        using var certificates = new TestCertificates();
        var device = certificates.IssueClient("cell1");
        Assert.Contains("cannot read the CA file '/nonexistent/ca.pem'", Assert.Throws<MqttSecurityException>(() => MqttClientSecurity.LoadCa("/nonexistent/ca.pem")).Message, StringComparison.Ordinal);
        Assert.Contains("holds no PEM certificate", Assert.Throws<MqttSecurityException>(() => MqttClientSecurity.LoadCa(device.KeyFile)).Message, StringComparison.Ordinal);
        Assert.Contains($"cannot load the client certificate '{device.CertificateFile}'", Assert.Throws<MqttSecurityException>(() => MqttClientSecurity.LoadClientCertificate(device.CertificateFile, certificates.ServerKeyFile)).Message, StringComparison.Ordinal);
        Assert.Throws<MqttSecurityException>(() => MqttClientSecurity.LoadClientCertificate(device.CertificateFile, null));
    }
}
