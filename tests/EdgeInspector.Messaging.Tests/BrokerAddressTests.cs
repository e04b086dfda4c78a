namespace EdgeInspector.Messaging.Tests;

public sealed class BrokerAddressTests
{
    [Theory]
    [InlineData("mqtt://10.0.0.5:1884", "10.0.0.5", 1884, false)]
    [InlineData("mqtt://broker.plant", "broker.plant", 1883, false)]
    [InlineData("mqtts://broker.plant", "broker.plant", 8883, true)]
    [InlineData("mqtts://broker.plant:9883", "broker.plant", 9883, true)]
    public void Parses_plain_and_tls_broker_uris(string uri, string host, int port, bool tls)
    {
        var address = BrokerAddress.Parse(uri);

        Assert.Equal(new BrokerAddress(host, port, tls), address);
    }

    [Theory]
    [InlineData("tcp://broker:1883")]
    [InlineData("broker:1883")]
    [InlineData("")]
    public void Rejects_anything_else_with_the_accepted_forms(string uri)
    {
        var e = Assert.Throws<FormatException>(() => BrokerAddress.Parse(uri));
        Assert.Contains("mqtt://host:port", e.Message, StringComparison.Ordinal);
        Assert.Contains("embedded broker", e.Message, StringComparison.Ordinal);
    }
}
