using EdgeInspector.Agent.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInspector.Agent.Tests;

public sealed class InboundMemoryTrimTests
{
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }

    [Fact]
    public void A_burst_is_trimmed_once_after_the_topics_have_been_quiet_and_small_traffic_never_is()
    {
        var clock = new ManualClock();
        var trim = new InboundMemoryTrim(clock, NullLogger<InboundMemoryTrim>.Instance);

        trim.Received(InboundMemoryTrim.BurstBytes - 1);
        clock.Advance(TimeSpan.FromMinutes(10));
        Assert.False(trim.TryTrim());

        trim.Received(1);
        Assert.False(trim.TryTrim());
        clock.Advance(InboundMemoryTrim.Quiet);
        Assert.True(trim.TryTrim());
        Assert.False(trim.TryTrim());
    }
}
