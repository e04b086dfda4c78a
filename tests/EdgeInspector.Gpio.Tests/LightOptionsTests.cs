namespace EdgeInspector.Gpio.Tests;

public sealed class LightOptionsTests
{
    private static bool Valid(LightOptions options) => new LightOptionsValidator().Validate(null, options).Succeeded;

    [Fact]
    public void Defaults_are_valid()
    {
        Assert.True(Valid(new LightOptions()));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(41)]
    public void Pin_outside_the_header_is_invalid(int pin)
    {
        Assert.False(Valid(new LightOptions { Pin = pin }));
    }

    [Fact]
    public void Lead_time_over_a_second_is_invalid()
    {
        Assert.False(Valid(new LightOptions { LeadTime = TimeSpan.FromSeconds(2) }));
    }

    [Fact]
    public void Zero_max_on_time_is_invalid()
    {
        Assert.False(Valid(new LightOptions { MaxOnTime = TimeSpan.Zero }));
    }
}
