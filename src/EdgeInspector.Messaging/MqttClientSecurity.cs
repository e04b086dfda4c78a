using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;

namespace EdgeInspector.Messaging;

/// <summary>
/// Credentials and TLS for every MQTT client of the project (the agent's link, edge-inspector push):
/// mqtts:// with an optional private CA (PEM) and an optional client certificate + key (PEM) for
/// mutual TLS, and an optional username/password. With the broker of deploy/mosquitto the client
/// certificate's CN is the identity the ACL checks (docs/broker-security.md).
/// </summary>
public static class MqttClientSecurity
{
    /// <summary>
    /// A client with no session of its own (clean start): the workstation tools and the web view.
    /// MQTT 5, a 10 s connect timeout, credentials and TLS as <see cref="Apply"/> adds them.
    /// </summary>
    public static MqttClientOptions CleanClient(BrokerAddress broker, string clientId, string? username, string? password, MqttTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithClientId(clientId)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10));
        return Apply(builder, broker, username, password, tls).Build();
    }

    /// <summary>Adds credentials and, for mqtts://, TLS to <paramref name="builder"/>. Throws <see cref="MqttSecurityException"/> for unreadable PEM files.</summary>
    public static MqttClientOptionsBuilder Apply(MqttClientOptionsBuilder builder, BrokerAddress broker, string? username, string? password, MqttTlsOptions tls)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(tls);
        if (!string.IsNullOrEmpty(username))
        {
            builder.WithCredentials(username, password ?? "");
        }

        if (!broker.UseTls)
        {
            return builder;
        }

        bool hasCertificate = !string.IsNullOrEmpty(tls.ClientCertificateFile);
        var ca = LoadCa(tls.CaFile);
        var client = hasCertificate ? LoadClientCertificate(tls.ClientCertificateFile!, tls.ClientKeyFile) : null;
        return builder.WithTlsOptions(t =>
        {
            t.UseTls().WithTargetHost(broker.Host);
            if (ca is not null)
            {
                t.WithTrustChain(ca);
            }

            if (client is not null)
            {
                t.WithClientCertificates([client]);
            }
        });
    }

    /// <summary>The PEM certificate(s) of a private CA, or null for the system store.</summary>
    public static X509Certificate2Collection? LoadCa(string? caFile)
    {
        if (string.IsNullOrEmpty(caFile))
        {
            return null;
        }

        var ca = new X509Certificate2Collection();
        try
        {
            ca.ImportFromPemFile(caFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new MqttSecurityException($"cannot read the CA file '{caFile}': {e.Message}", e);
        }

        return ca.Count > 0 ? ca : throw new MqttSecurityException($"the CA file '{caFile}' holds no PEM certificate");
    }

    /// <summary>A PEM client certificate with its PEM private key (PKCS#8, SEC1 EC or PKCS#1 RSA; the key may also sit in the certificate file).</summary>
    public static X509Certificate2 LoadClientCertificate(string certificateFile, string? keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, string.IsNullOrEmpty(keyFile) ? null : keyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new MqttSecurityException($"cannot load the client certificate '{certificateFile}'{(string.IsNullOrEmpty(keyFile) ? "" : $" with key '{keyFile}'")}: {e.Message}", e);
        }
    }
}

/// <summary>A CA file, client certificate or key that cannot be used.</summary>
public sealed class MqttSecurityException(string message, Exception? inner = null) : Exception(message, inner);
