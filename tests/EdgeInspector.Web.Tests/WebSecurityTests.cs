using System.Net;
using System.Net.Http.Headers;
using System.Text;
using EdgeInspector.Cli;
using EdgeInspector.Testing;

namespace EdgeInspector.Web.Tests;

/// <summary>Who may reach the web view and act through it: loopback by default, TLS and a password elsewhere, no cross-site actions.</summary>
public sealed class WebSecurityTests
{
    [Theory]
    [InlineData("0.0.0.0:8080", new string[0], "HTTPS (--tls-cert CERT.pem --tls-key KEY.pem) and a password")]
    [InlineData("0.0.0.0:8080", new[] { "--tls-cert", "C", "--tls-key", "K" }, "without a password")]
    [InlineData("192.168.1.20:8443", new string[0], "refusing to listen on 192.168.1.20:8443")]
    public async Task A_listener_off_loopback_without_credentials_refuses_to_start(string listen, string[] extra, string expected)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        int code = await Commands.RunAsync(["web", "--broker", "mqtt://127.0.0.1:1", "--listen", listen, .. extra], stdout, stderr);

        Assert.Equal(2, code);
        Assert.Contains(expected, stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("only a loopback address", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", true)]
    [InlineData("localhost:8080", true)]
    [InlineData("[::1]:8080", true)]
    [InlineData("0.0.0.0:8080", false)]
    public void Loopback_listeners_may_run_open(string listen, bool loopback)
    {
        var options = new WebViewOptions { Listen = listen };
        if (loopback)
        {
            Assert.True(WebListener.From(options).Loopback);
        }
        else
        {
            Assert.Throws<WebViewConfigurationException>(() => WebListener.From(options));
        }
    }

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1:http")]
    [InlineData("plant-pc:8080")]
    public void A_bad_listen_address_says_what_to_give(string listen) =>
        Assert.Contains("--listen", Assert.Throws<WebViewConfigurationException>(() => WebListener.From(new WebViewOptions { Listen = listen })).Message, StringComparison.Ordinal);

    [Fact]
    public async Task Off_loopback_it_serves_https_and_a_wrong_password_gets_401()
    {
        using var tls = new TestCertificates();
        using var broker = await MosquittoBroker.StartAsync();
        int port = FreePort.Next();
        var (view, _) = await WebViewHost.StartAsync(broker, new WebViewOptions
        {
            Listen = $"0.0.0.0:{port}", Password = "line-1-secret", TlsCertificateFile = tls.ServerCertificateFile, TlsKeyFile = tls.ServerKeyFile,
        });
        await using var _view = view;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        using var http = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}") };

        using var none = await http.GetAsync(new Uri("/api/fleet", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Contains("Basic", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        http.DefaultRequestHeaders.Authorization = Basic("anna", "wrong");
        using var wrong = await http.GetAsync(new Uri("/api/fleet", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);

        http.DefaultRequestHeaders.Authorization = Basic("anna", "line-1-secret");
        using var right = await http.GetAsync(new Uri("/api/fleet", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);

        // Plain HTTP on the HTTPS port gets nothing useful.
        using var plain = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync(new Uri("/api/fleet", UriKind.Relative)));
    }

    [Fact]
    public async Task A_forged_cross_site_post_is_refused_and_logged()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var options = WebViewHost.Loopback();
        var (view, log) = await WebViewHost.StartAsync(broker, options);
        await using var _view = view;
        // A device the page knows, so a refusal cannot be "no such device".
        await using (var device = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/cell9/cmd/#"))
        {
            await device.PublishAsync("edgeinspector/cell9/status", Encoding.UTF8.GetBytes("""{"state":"running","device":"cell9"}"""));
            // Cookies only as each request says: a cookie jar would attach the page's cookie to every forged request.
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = new Uri(view.Url) };
            for (var deadline = DateTime.UtcNow.AddSeconds(10); !(await http.GetStringAsync(new Uri("/api/fleet", UriKind.Relative))).Contains("cell9", StringComparison.Ordinal) && DateTime.UtcNow < deadline;)
            {
                await Task.Delay(100);
            }

            // What an attacker's page can make a browser send: a form post (no custom header, its own origin), cookies attached.
            using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
            string cookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(WebView.CsrfCookie, StringComparison.Ordinal)).Split(';')[0];
            string token = cookie.Split('=')[1];
            Assert.Contains("samesite=strict", page.Headers.GetValues("Set-Cookie").Single().ToLowerInvariant(), StringComparison.Ordinal);

            var forged = new[]
            {
                Post("text/plain", "{\"image_threshold\":0.9}", ("Cookie", cookie), ("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site")),
                Post("application/x-www-form-urlencoded", "image_threshold=0.9", ("Cookie", cookie), ("Origin", "http://evil.example")),
                Post("application/json", "{\"image_threshold\":0.9}", ("Cookie", cookie)),
                Post("application/json", "{\"image_threshold\":0.9}", ("Cookie", cookie), (WebView.CsrfHeader, token), ("Origin", "http://evil.example")),
                Post("application/json", "{\"image_threshold\":0.9}", (WebView.CsrfHeader, token)),
            };
            foreach (var request in forged)
            {
                using (request)
                using (var response = await http.SendAsync(request))
                {
                    Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
                }
            }

            await Task.Delay(300);
            Assert.Empty(device.On("cmd/set-threshold"));
            Assert.Equal(forged.Length, log.Lines.Count(l => l.Contains("refused a cross-site set-threshold on cell9", StringComparison.Ordinal)));

            // The page's own request (same origin, the cookie's token echoed in the header) goes out to the device.
            using var own = Post("application/json", "{\"image_threshold\":0.9}", ("Cookie", cookie), (WebView.CsrfHeader, token), ("Origin", view.Url.TrimEnd('/')), ("Sec-Fetch-Site", "same-origin"));
            var sent = http.SendAsync(own);
            await device.WaitForAsync(p => p.On("cmd/set-threshold").Any(), TimeSpan.FromSeconds(5), "the page's set-threshold");
            Assert.Equal("""{"image_threshold":0.9}""", device.On("cmd/set-threshold").Single().Text);
            Assert.Contains(log.Lines, l => l.Contains("web action set-threshold on cell9 by local from 127.0.0.1", StringComparison.Ordinal));
            _ = sent.ContinueWith(t => t.Result.Dispose(), TaskScheduler.Default);
        }
    }

    [Fact]
    public void Basic_credentials_name_who_acts()
    {
        Assert.Equal("anna", WebView.BasicUser(Basic("anna", "pw").ToString(), "pw"));
        Assert.Equal("tech", WebView.BasicUser(Basic("", "pw").ToString(), "pw"));
        Assert.Null(WebView.BasicUser(Basic("anna", "pw2").ToString(), "pw"));
        Assert.Null(WebView.BasicUser("Bearer abc", "pw"));
        Assert.Null(WebView.BasicUser("Basic !!!", "pw"));
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    private static HttpRequestMessage Post(string contentType, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/devices/cell9/actions/set-threshold", UriKind.Relative))
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
