namespace EdgeInspector.Gpio.Tests;

/// <summary><see cref="GpioPinPlan"/>: one role per header pin, and only pins that are GPIOs.</summary>
public sealed class PartPinPlanTests
{
    private static LightOptions Light(int pin = 7) => new() { Mode = LightMode.Gpio, Pin = pin };

    [Fact]
    public void Distinct_gpio_pins_make_a_sound_plan()
    {
        var plan = GpioPinPlan.For(Light(7), new PartSensorOptions { Enabled = true, Pin = 11 }, new RejectOptions { Enabled = true, Pin = 13 }, triggerPin: 15);

        Assert.Empty(plan.Problems());
        plan.ThrowIfInvalid();
        Assert.Equal(4, plan.Uses.Count);
    }

    [Fact]
    public void A_pin_shared_by_sensor_and_reject_names_both_roles()
    {
        var plan = GpioPinPlan.For(Light(7), new PartSensorOptions { Enabled = true, Pin = 13 }, new RejectOptions { Enabled = true, Pin = 13 });

        string problem = Assert.Single(plan.Problems());
        Assert.Equal("Header pin 13 is assigned to PartSensor:Pin and Reject:Pin; each pin can serve one role only.", problem);
    }

    [Fact]
    public void The_light_and_a_trigger_on_one_pin_conflict()
    {
        var error = Assert.Throws<InvalidOperationException>(() => GpioPinPlan.For(Light(7), triggerPin: 7).ThrowIfInvalid());

        Assert.Contains("Header pin 7 is assigned to Light:Pin and Trigger:Pin", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)] // 3.3 V
    [InlineData(6)] // GND
    [InlineData(8)] // UART TX
    public void A_pin_that_is_not_a_gpio_is_named_with_the_usable_pins(int pin)
    {
        var plan = GpioPinPlan.For(Light(7), reject: new RejectOptions { Enabled = true, Pin = pin });

        string problem = Assert.Single(plan.Problems());
        Assert.StartsWith($"Reject:Pin={pin}: header pin {pin} is not a GPIO", problem, StringComparison.Ordinal);
        Assert.Contains("7, 11, 12, 13", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Disabled_users_take_no_pin()
    {
        var plan = GpioPinPlan.For(new LightOptions { Mode = LightMode.Off, Pin = 11 }, new PartSensorOptions { Enabled = false, Pin = 11 }, new RejectOptions { Enabled = true, Pin = 11 });

        Assert.Empty(plan.Problems());
        Assert.Equal(("Reject:Pin", 11), Assert.Single(plan.Uses));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var plan = new GpioPinPlan().Use("Light:Pin", 7).Use("Reject:Pin", 7).Use("PartSensor:Pin", 2);

        Assert.Equal(2, plan.Problems().Count);
    }
}
