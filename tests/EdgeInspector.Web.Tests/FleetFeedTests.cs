using System.Text;
using EdgeInspector.Testing;

namespace EdgeInspector.Web.Tests;

/// <summary>The web view's MQTT side on a real Mosquitto.</summary>
public sealed class FleetFeedTests
{
    [Fact]
    public async Task It_follows_the_fleet_again_after_the_broker_restarts()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var (view, log) = await WebViewHost.StartAsync(broker, WebViewHost.Loopback());
        await using var _view = view;
        using var http = new HttpClient { BaseAddress = new Uri(view.Url) };

        await broker.RestartAsync();

        // A device republishes its status on reconnect; the web view must be subscribed again to see it.
        await using var device = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/cell7/cmd/#");
        string fleet = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline && !fleet.Contains("cell7", StringComparison.Ordinal); await Task.Delay(300))
        {
            await device.PublishAsync("edgeinspector/cell7/status", Encoding.UTF8.GetBytes("""{"state":"running","device":"cell7"}"""));
            fleet = await http.GetStringAsync(new Uri("/api/fleet", UriKind.Relative));
        }

        Assert.Contains("\"device\":\"cell7\"", fleet, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Contains("lost the broker", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("connected to the broker again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verdicts_count_once_each_in_the_window_and_its_histogram()
    {
        using var broker = await MosquittoBroker.StartAsync();
        var (view, _) = await WebViewHost.StartAsync(broker, WebViewHost.Loopback());
        await using var _view = view;
        using var http = new HttpClient { BaseAddress = new Uri(view.Url) };
        await using var device = await MqttProbe.ConnectAsync(broker.Port, "edgeinspector/cell8/cmd/#");

        await device.PublishAsync("edgeinspector/cell8/status", Encoding.UTF8.GetBytes("""{"state":"running","device":"cell8"}"""));
        for (int seq = 1; seq <= 4; seq++)
        {
            string verdict = seq % 2 == 0 ? "NG" : "OK";
            byte[] json = Encoding.UTF8.GetBytes($$"""{"id":"cell8-{{seq}}","seq":{{seq}},"device":"cell8","ts":"2026-12-03T10:00:00Z","verdict":"{{verdict}}","score":{{(seq % 2 == 0 ? "0.9" : "0.1")}},"regions":[]}""");
            await device.PublishAsync("edgeinspector/cell8/verdict", json);
            await device.PublishAsync("edgeinspector/cell8/verdict", json); // at-least-once: a duplicate
        }

        string detail = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline && !detail.Contains("\"window\":4", StringComparison.Ordinal); await Task.Delay(100))
        {
            using var response = await http.GetAsync(new Uri("/api/devices/cell8", UriKind.Relative));
            detail = await response.Content.ReadAsStringAsync();
        }

        Assert.Contains("\"window\":4,\"ng\":2,\"error\":0,\"ng_rate\":0.5", detail, StringComparison.Ordinal);
        Assert.Contains("\"histogram\":[0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,2,0]", detail, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.GetAsync(new Uri("/api/devices/nobody", UriKind.Relative))).StatusCode);
    }
}
