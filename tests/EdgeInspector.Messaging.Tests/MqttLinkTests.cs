using System.Text;
using EdgeInspector.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Messaging.Tests;

public sealed class MqttLinkTests
{
    private static MqttOptions FastReconnect(int outbox = 100) => new()
    {
        ReconnectMinDelay = TimeSpan.FromMilliseconds(200),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
        OutboxCapacity = outbox,
    };

    private static MqttLink NewLink(MqttOptions options, int port, OutboxStore? store = null) =>
        new(options, new BrokerAddress("127.0.0.1", port, false), "link-" + Guid.NewGuid().ToString("N")[..6], "t/dev/status", () => "{\"state\":\"offline\"}"u8.ToArray(), NullLogger.Instance, store);

    [Fact]
    public async Task Messages_queued_while_no_broker_is_up_are_delivered_once_it_is()
    {
        int port = FreePort.Next();
        await using var link = NewLink(FastReconnect(), port);
        using var stop = new CancellationTokenSource();
        var running = link.RunAsync(stop.Token);
        for (int i = 0; i < 5; i++)
        {
            link.Enqueue(new OutgoingMessage("t/dev/verdict", Encoding.UTF8.GetBytes($"{{\"seq\":{i}}}")));
        }

        await Task.Delay(600);
        Assert.False(link.IsConnected);
        Assert.Equal(5, link.Pending);

        await using var broker = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, NullLogger.Instance);
        await broker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(port, "t/dev/#");
        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 5, TimeSpan.FromSeconds(20), "the queued verdicts");

        Assert.Equal(Enumerable.Range(0, 5), probe.On("/verdict").Select(m => m.Json.GetProperty("seq").GetInt32()));
        Assert.True(await link.FlushAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(0, link.Dropped);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task Durable_verdicts_from_a_link_that_never_reached_the_broker_go_out_first_in_order_from_the_next_one()
    {
        using var dir = new TempDirectory();
        var outbox = new OutboxOptions { Path = dir.Combine("outbox.db") };
        int port = FreePort.Next();
        var first = NewLink(FastReconnect(), port, OutboxStore.Open(outbox, NullLogger.Instance));
        using (var stop = new CancellationTokenSource())
        {
            var running = first.RunAsync(stop.Token);
            for (int seq = 1; seq <= 5; seq++)
            {
                first.EnqueueDurable(new OutgoingMessage("t/dev/verdict", Encoding.UTF8.GetBytes($"{{\"seq\":{seq}}}")), seq);
            }

            first.Enqueue(new OutgoingMessage("t/dev/thumbnail", [1]));
            await Task.Delay(300);
            Assert.Equal(6, first.Pending);
            await stop.CancelAsync();
            await running;
        }

        // The thumbnail was best-effort, in memory: it goes with the first link.
        await first.DisposeAsync();
        await using var broker = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, NullLogger.Instance);
        await broker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(port, "t/dev/#");
        var store = OutboxStore.Open(outbox, NullLogger.Instance);
        Assert.Equal(5, store.LastSeq);
        await using var second = NewLink(FastReconnect(), port, store);
        second.EnqueueDurable(new OutgoingMessage("t/dev/verdict", "{\"seq\":6}"u8.ToArray()), 6);
        using var stopSecond = new CancellationTokenSource();
        var secondRunning = second.RunAsync(stopSecond.Token);

        await probe.WaitForAsync(p => p.On("/verdict").Count() >= 6, TimeSpan.FromSeconds(20), "the five stored verdicts and the new one");
        Assert.Equal(Enumerable.Range(1, 6), probe.On("/verdict").Select(m => m.Json.GetProperty("seq").GetInt32()));
        Assert.Empty(probe.On("/thumbnail"));
        Assert.True(await second.FlushAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        await stopSecond.CancelAsync();
        await secondRunning;
    }

    [Fact]
    public async Task A_full_outbox_drops_the_oldest_and_counts_them()
    {
        await using var link = NewLink(FastReconnect(outbox: 16), FreePort.Next());
        for (int i = 0; i < 20; i++)
        {
            link.Enqueue(new OutgoingMessage("t/dev/verdict", [(byte)i]));
        }

        Assert.Equal(4, link.Dropped);
        Assert.Equal(16, link.Pending);
    }

    [Fact]
    public async Task Thumbnails_carry_their_content_type_and_verdict_id()
    {
        int port = FreePort.Next();
        await using var broker = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, NullLogger.Instance);
        await broker.StartAsync();
        await using var probe = await MqttProbe.ConnectAsync(port, "t/dev/#");
        await using var link = NewLink(FastReconnect(), port);
        using var stop = new CancellationTokenSource();
        var running = link.RunAsync(stop.Token);

        link.Enqueue(new OutgoingMessage("t/dev/thumbnail", [0xFF, 0xD8, 0xFF], ContentType: "image/jpeg", VerdictId: "dev-1-7"));
        await probe.WaitForAsync(p => p.Messages.Count > 0, TimeSpan.FromSeconds(20), "the thumbnail");

        var message = Assert.Single(probe.Messages);
        Assert.Equal("image/jpeg", message.ContentType);
        Assert.Equal("dev-1-7", message.UserProperties["verdict-id"]);
        Assert.False(message.Retain);
        await stop.CancelAsync();
        await running;
    }

    [Fact]
    public async Task The_embedded_broker_names_the_fix_when_its_port_is_taken()
    {
        int port = FreePort.Next();
        await using var first = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, NullLogger.Instance);
        await first.StartAsync();
        await using var second = new EmbeddedBroker(new EmbeddedBrokerOptions { Port = port }, NullLogger.Instance);

        var e = await Assert.ThrowsAsync<InvalidOperationException>(second.StartAsync);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
        Assert.Contains("--port", e.Message, StringComparison.Ordinal);
    }
}
