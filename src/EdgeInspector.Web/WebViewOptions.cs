using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace EdgeInspector.Web;

/// <summary>Where and how edge-inspector web listens, and whom it lets in.</summary>
public sealed class WebViewOptions
{
    /// <summary>host:port; loopback (127.0.0.1, [::1], localhost) by default.</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>MQTT topic root of the fleet (docs/mqtt.md).</summary>
    public string TopicRoot { get; set; } = "edgeinspector";

    /// <summary>The password a browser must give (HTTP Basic; the user name it gives is who is logged). Required off loopback.</summary>
    public string? Password { get; set; }

    /// <summary>PEM certificate and key for HTTPS. Required off loopback.</summary>
    public string? TlsCertificateFile { get; set; }

    public string? TlsKeyFile { get; set; }

    /// <summary>Verdicts kept per device for the live list, NG rate and score histogram.</summary>
    public int VerdictWindow { get; set; } = 500;

    /// <summary>How long an action waits for the device's answer (cmd/enroll waits for N parts and the bank).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>A bad --listen / TLS / password combination; the server does not start.</summary>
public sealed class WebViewConfigurationException(string message) : Exception(message);

/// <summary>The parsed listen address and the security it demands.</summary>
public sealed record WebListener(IPAddress Address, int Port, bool Loopback, bool Https, bool PasswordRequired)
{
    public string Url => $"{(Https ? "https" : "http")}://{(Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString())}:{Port}";

    /// <summary>
    /// Checks <paramref name="options"/>: a loopback listener may run plain and open (only this machine's
    /// users reach it); any other address needs HTTPS and a password, or the server refuses to start.
    /// </summary>
    public static WebListener From(WebViewOptions options, WebSettingNames? names = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        names ??= WebSettingNames.Flags;
        var (address, port, loopback) = Parse(options.Listen, names);
        bool https = !string.IsNullOrEmpty(options.TlsCertificateFile) || !string.IsNullOrEmpty(options.TlsKeyFile);
        if (https && (string.IsNullOrEmpty(options.TlsCertificateFile) || string.IsNullOrEmpty(options.TlsKeyFile)))
        {
            throw new WebViewConfigurationException($"{names.Prefix}{names.TlsPair} go together (the PEM certificate and its private key)");
        }

        bool password = !string.IsNullOrEmpty(options.Password);
        if (!loopback && (!https || !password))
        {
            string missing = (https, password) switch
            {
                (false, false) => $"HTTPS ({names.Tls}) and a password ({names.Password})",
                (false, true) => $"HTTPS ({names.Tls})",
                _ => $"a password ({names.Password})",
            };
            throw new WebViewConfigurationException($"{names.Prefix}refusing to listen on {options.Listen} without {missing}: only a loopback address (127.0.0.1, [::1], localhost) may serve plain and open");
        }

        foreach (string file in new[] { options.TlsCertificateFile, options.TlsKeyFile }.OfType<string>().Where(f => f.Length > 0 && !File.Exists(f)))
        {
            throw new WebViewConfigurationException($"{names.Prefix}'{Path.GetFullPath(file)}' does not exist");
        }

        return new WebListener(address, port, loopback, https, password);
    }

    /// <summary>The HTTPS certificate from the PEM files.</summary>
    public static X509Certificate2 LoadCertificate(WebViewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(options.TlsCertificateFile!, options.TlsKeyFile);
            // Kestrel on Linux needs the key in an exportable store form, not the ephemeral PEM key.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new WebViewConfigurationException($"web: cannot read the HTTPS certificate '{options.TlsCertificateFile}' with key '{options.TlsKeyFile}': {e.Message}");
        }
    }

    private static (IPAddress Address, int Port, bool Loopback) Parse(string listen, WebSettingNames names)
    {
        int colon = listen.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(listen.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
        {
            throw new WebViewConfigurationException($"{names.Prefix}{names.Listen} '{listen}' is not host:port (e.g. 127.0.0.1:8080, 0.0.0.0:8443, [::1]:8080)");
        }

        string host = listen[..colon].Trim('[', ']');
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return (IPAddress.Loopback, port, true);
        }

        if (!IPAddress.TryParse(host, out var address))
        {
            throw new WebViewConfigurationException($"{names.Prefix}{names.Listen} '{listen}': give an IP address to listen on (127.0.0.1, 0.0.0.0, a NIC's address) or localhost");
        }

        return (address, port, IPAddress.IsLoopback(address));
    }
}

/// <summary>What the start-up messages call the settings: edge-inspector web's flags, or the agent's Web:* keys.</summary>
public sealed record WebSettingNames(string Prefix, string Listen, string Tls, string TlsPair, string Password)
{
    public static readonly WebSettingNames Flags = new("web: ", "--listen", "--tls-cert CERT.pem --tls-key KEY.pem", "--tls-cert and --tls-key", "--web-password-file FILE or EDGE_INSPECTOR_WEB_PASSWORD");

    public static readonly WebSettingNames AgentKeys = new("", "Web:Listen", "Web:TlsCertificateFile and Web:TlsKeyFile", "Web:TlsCertificateFile and Web:TlsKeyFile", "Web:PasswordFile");
}
