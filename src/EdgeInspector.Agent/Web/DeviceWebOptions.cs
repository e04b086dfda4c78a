using EdgeInspector.Messaging;
using EdgeInspector.Web;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent.Web;

/// <summary>
/// Web:* — the live web view (docs/web.md) served by the agent itself, for a line without a
/// workstation nearby. Off by default; loopback unless TLS and a password are configured.
/// </summary>
public sealed class DeviceWebOptions
{
    public const string Section = "Web";

    public bool Enabled { get; set; }

    /// <summary>host:port; any address other than loopback needs TlsCertificateFile, TlsKeyFile and PasswordFile.</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>A file holding the password browsers must give (HTTP Basic): the secret stays out of the configuration.</summary>
    public string? PasswordFile { get; set; }

    public string? TlsCertificateFile { get; set; }

    public string? TlsKeyFile { get; set; }

    /// <summary>
    /// Who the web view is on the broker. Empty: the agent's own Mqtt:Username/Password/Tls, which is
    /// enough with the embedded broker; with the ACL of deploy/mosquitto a device may not read its own
    /// verdicts, so give it the tech identity here (docs/web.md).
    /// </summary>
    public string? MqttUsername { get; set; }

    public string? MqttPassword { get; set; }

    public MqttTlsOptions? MqttTls { get; set; }

    /// <summary>The web view's own options, with the password read from <see cref="PasswordFile"/>.</summary>
    public WebViewOptions ToWebViewOptions(string topicRoot) => new()
    {
        Listen = Listen,
        TopicRoot = topicRoot,
        Password = string.IsNullOrEmpty(PasswordFile) ? null : File.ReadAllText(PasswordFile).Trim(),
        TlsCertificateFile = TlsCertificateFile,
        TlsKeyFile = TlsKeyFile,
    };
}

/// <summary>Web:* checked at start like every other section: an open listener off loopback or a missing file is a configuration error.</summary>
public sealed class DeviceWebOptionsValidator : IValidateOptions<DeviceWebOptions>
{
    public ValidateOptionsResult Validate(string? name, DeviceWebOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        foreach (var (key, file) in new[] { ("Web:PasswordFile", options.PasswordFile), ("Web:TlsCertificateFile", options.TlsCertificateFile), ("Web:TlsKeyFile", options.TlsKeyFile) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                problems.Add($"{key} = '{file}' does not exist: give the path of an existing file, or remove the key");
            }
        }

        if (problems.Count == 0)
        {
            try
            {
                _ = WebListener.From(new WebViewOptions
                {
                    Listen = options.Listen,
                    Password = string.IsNullOrEmpty(options.PasswordFile) ? null : "set",
                    TlsCertificateFile = options.TlsCertificateFile,
                    TlsKeyFile = options.TlsKeyFile,
                }, WebSettingNames.AgentKeys);
            }
            catch (WebViewConfigurationException e)
            {
                problems.Add($"Web:Listen = '{options.Listen}': {e.Message}");
            }
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
