namespace EdgeInspector.Gpio.Tests;

public sealed class OrinNanoHeaderTests
{
    [Theory]
    [InlineData(7, 144)]
    [InlineData(33, 43)]
    [InlineData(11, 112)]
    [InlineData(40, 51)]
    public void Header_pins_map_to_gpiochip0_lines(int pin, int line)
    {
        Assert.Equal(line, OrinNanoHeader.LineOf(pin));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(6)]
    [InlineData(41)]
    [InlineData(0)]
    public void Power_ground_and_unknown_pins_are_refused_with_the_usable_pins(int pin)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OrinNanoHeader.LineOf(pin));

        Assert.Equal("headerPin", e.ParamName);
        Assert.Contains($"Header pin {pin} is not a GPIO", e.Message, StringComparison.Ordinal);
        Assert.Contains("7, 11, 12, 13, 15, 16, 18, 19, 21, 22, 23, 24, 26, 29, 31, 32, 33, 35, 36, 37, 38, 40", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpio_pins_are_listed_in_order_with_distinct_lines()
    {
        var pins = OrinNanoHeader.GpioPins.ToList();

        Assert.Equal(22, pins.Count);
        Assert.Equal(pins.Order(), pins);
        Assert.Equal(22, pins.Select(OrinNanoHeader.LineOf).Distinct().Count());
    }
}
