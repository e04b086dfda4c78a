using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using EdgeInspector.Agent.Web;
using EdgeInspector.Testing;
using EdgeInspector.Web;

namespace EdgeInspector.Agent.Tests.Web;

/// <summary>Web:Enabled: the agent serves the live web view itself, and a bad Web:* is a configuration error like any other.</summary>
[Collection(nameof(AgentProcessCollection))]
public sealed class DeviceWebViewTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_agent_serves_its_web_view_once_the_broker_is_up_and_a_threshold_set_there_reaches_its_status()
    {
        using var broker = await MosquittoBroker.StartAsync();
        broker.Stop(); // the plant broker is away when the device boots
        int webPort = FreePort.Next();
        using var agent = AgentProcess.Start(
            "--demo", "--model", RepoPaths.TextureBaselinePackage, "--broker", broker.Uri, "--fps", "10", "--Agent:DeviceId=line7",
            "--Web:Enabled=true", $"--Web:Listen=127.0.0.1:{webPort.ToString(CultureInfo.InvariantCulture)}",
            "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:01");

        await WaitAsync(() => agent.Output.Contains("Web view on 127.0.0.1:", StringComparison.Ordinal), agent, "the web view's 'not started' line while the broker is away");
        Assert.Contains("inspection goes on", agent.Output, StringComparison.Ordinal);
        // --demo prints each verdict: the line inspects while neither the broker nor the web view is there.
        await WaitAsync(() => System.Text.RegularExpressions.Regex.IsMatch(agent.Output, @"#\d+\s+(OK|NG)\s+score"), agent, "verdicts while the broker is away");

        await broker.RestartAsync();
        string url = $"http://127.0.0.1:{webPort.ToString(CultureInfo.InvariantCulture)}";
        await WaitAsync(() => agent.Output.Contains($"Web view serving {url}", StringComparison.Ordinal), agent, "the web view serving");

        using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(url) };
        JsonObject? device = null;
        await WaitAsync(async () =>
        {
            using var response = await http.GetAsync(new Uri("/api/devices/line7", UriKind.Relative));
            device = response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject() : null;
            return device?["status"]?["state"]?.GetValue<string>() == "running" && device["verdicts"]!.AsArray().Count > 0;
        }, agent, "line7 running with verdicts on its own web view");

        using var page = await http.GetAsync(new Uri("/device/line7", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        string cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(WebView.CsrfCookie, StringComparison.Ordinal)).Split(';')[0];
        using var action = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/devices/line7/actions/set-threshold", UriKind.Relative))
        {
            Content = new StringContent("""{"image_threshold":0.42}""", Encoding.UTF8, "application/json"),
        };
        action.Headers.TryAddWithoutValidation("Cookie", cookie);
        action.Headers.TryAddWithoutValidation(WebView.CsrfHeader, cookie.Split('=')[1]);
        action.Headers.TryAddWithoutValidation("Origin", url);
        using var answer = await http.SendAsync(action);
        Assert.True(answer.StatusCode == HttpStatusCode.OK, await answer.Content.ReadAsStringAsync());

        await WaitAsync(async () =>
        {
            var status = JsonNode.Parse(await http.GetStringAsync(new Uri("/api/devices/line7", UriKind.Relative)))!["status"];
            return status?["threshold"]?["image"]?.GetValue<double>() == 0.42;
        }, agent, "the retained status with the threshold set from the device's own web view");

        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(Patience));
    }

    [Fact]
    public void An_open_listener_off_loopback_and_missing_files_are_named_with_the_keys_to_set()
    {
        var validator = new DeviceWebOptionsValidator();
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "web-password");

        var open = validator.Validate(null, new DeviceWebOptions { Enabled = true, Listen = "0.0.0.0:8080" });
        var noFile = validator.Validate(null, new DeviceWebOptions { Enabled = true, PasswordFile = missing });
        var badListen = validator.Validate(null, new DeviceWebOptions { Enabled = true, Listen = "eth0:80" });

        Assert.Equal(
            "Web:Listen = '0.0.0.0:8080': refusing to listen on 0.0.0.0:8080 without HTTPS (Web:TlsCertificateFile and Web:TlsKeyFile) and a password (Web:PasswordFile): only a loopback address (127.0.0.1, [::1], localhost) may serve plain and open",
            Assert.Single(open.Failures!));
        Assert.Equal($"Web:PasswordFile = '{missing}' does not exist: give the path of an existing file, or remove the key", Assert.Single(noFile.Failures!));
        Assert.StartsWith("Web:Listen = 'eth0:80': Web:Listen 'eth0:80': give an IP address", Assert.Single(badListen.Failures!), StringComparison.Ordinal);
        Assert.True(validator.Validate(null, new DeviceWebOptions { Enabled = false, Listen = "0.0.0.0:8080" }).Succeeded); // off: nothing to check
        Assert.True(validator.Validate(null, new DeviceWebOptions { Enabled = true }).Succeeded); // loopback default
    }

    [Fact]
    public async Task An_open_listener_off_loopback_stops_the_agent_at_start_with_exit_2()
    {
        using var agent = AgentProcess.Start("--demo", "--model", RepoPaths.TextureBaselinePackage, "--port", FreePort.Next().ToString(CultureInfo.InvariantCulture),
            "--Web:Enabled=true", "--Web:Listen=0.0.0.0:8080");

        int code = await agent.WaitForExitAsync(Patience);

        Assert.True(code == 2, $"exit {code}:\n{agent.Output}");
        Assert.Contains("Web:Listen = '0.0.0.0:8080': refusing to listen", agent.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", agent.Output, StringComparison.Ordinal);
    }

    private static Task WaitAsync(Func<bool> condition, AgentProcess agent, string what) => WaitAsync(() => Task.FromResult(condition()), agent, what);

    private static async Task WaitAsync(Func<Task<bool>> condition, AgentProcess agent, string what)
    {
        for (var deadline = DateTime.UtcNow + Patience; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            Assert.False(agent.HasExited, $"the agent exited waiting for {what}:\n{agent.Output}");
            if (await condition())
            {
                return;
            }
        }

        Assert.Fail($"no {what} within {Patience.TotalSeconds:0} s:\n{agent.Output}");
    }
}
