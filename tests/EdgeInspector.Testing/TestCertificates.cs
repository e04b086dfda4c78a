using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace EdgeInspector.Testing;

/// <summary>A client certificate and its key as PEM files; <see cref="CommonName"/> is the identity Mosquitto sees.</summary>
public sealed record ClientCertificate(string CommonName, string CertificateFile, string KeyFile);

/// <summary>A throwaway CA, a server certificate for 127.0.0.1/localhost and client certificates on demand, as PEM files.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _ca;

    public TestCertificates()
    {
        var caRequest = new CertificateRequest("CN=EdgeInspector Test CA", _caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        _ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(30));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(System.Net.IPAddress.Loopback);
        san.AddDnsName("localhost");
        serverRequest.CertificateExtensions.Add(san.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(_ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(CaFile, _ca.ExportCertificatePem());
        File.WriteAllText(ServerCertificateFile, server.ExportCertificatePem());
        File.WriteAllText(ServerKeyFile, serverKey.ExportPkcs8PrivateKeyPem());
    }

    public string CaFile => _dir.Combine("ca.pem");

    public string ServerCertificateFile => _dir.Combine("server.pem");

    public string ServerKeyFile => _dir.Combine("server.key");

    /// <summary>
    /// A client certificate (clientAuth) for subject CN=<paramref name="commonName"/> signed by this CA,
    /// e.g. a device id, "workstation" or "tech". <paramref name="signedBy"/> another CA gives one the broker must refuse.
    /// </summary>
    public ClientCertificate IssueClient(string commonName, TestCertificates? signedBy = null)
    {
        var issuer = signedBy ?? this;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = new X500DistinguishedNameBuilder();
        name.AddCommonName(commonName);
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var certificate = request.Create(issuer._ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7), RandomNumberGenerator.GetBytes(8));
        string stem = "client-" + string.Concat(commonName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_')) + "-" + Guid.NewGuid().ToString("N")[..6];
        var result = new ClientCertificate(commonName, _dir.Combine(stem + ".pem"), _dir.Combine(stem + ".key"));
        File.WriteAllText(result.CertificateFile, certificate.ExportCertificatePem());
        File.WriteAllText(result.KeyFile, key.ExportPkcs8PrivateKeyPem());
        return result;
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        _dir.Dispose();
    }
}
