namespace EdgeInspector.Gpio;

/// <summary>
/// The header pins the agent will use, checked before any is opened: every pin must be a GPIO on
/// the Jetson Orin Nano header and serve one role only (light, part sensor, reject, trigger).
/// </summary>
public sealed class GpioPinPlan
{
    private readonly List<(string Role, int Pin)> _uses = [];

    /// <summary>The roles and pins added so far.</summary>
    public IReadOnlyList<(string Role, int Pin)> Uses => _uses;

    /// <summary>Adds a pin use; <paramref name="role"/> names its setting, e.g. <c>Light:Pin</c>.</summary>
    public GpioPinPlan Use(string role, int pin)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(role);
        _uses.Add((role, pin));
        return this;
    }

    /// <summary>The plan for the enabled GPIO users; <paramref name="triggerPin"/> is a host-driven camera trigger output, if any.</summary>
    public static GpioPinPlan For(LightOptions light, PartSensorOptions? sensor = null, RejectOptions? reject = null, int? triggerPin = null)
    {
        ArgumentNullException.ThrowIfNull(light);
        var plan = new GpioPinPlan();
        if (light.Mode == LightMode.Gpio)
        {
            plan.Use("Light:Pin", light.Pin);
        }

        if (sensor is { Enabled: true })
        {
            plan.Use("PartSensor:Pin", sensor.Pin);
        }

        if (reject is { Enabled: true })
        {
            plan.Use("Reject:Pin", reject.Pin);
        }

        if (triggerPin is int trigger)
        {
            plan.Use("Trigger:Pin", trigger);
        }

        return plan;
    }

    /// <summary>Every problem, one sentence each; empty when the plan is sound.</summary>
    public IReadOnlyList<string> Problems()
    {
        var gpio = OrinNanoHeader.GpioPins.ToHashSet();
        var problems = new List<string>();
        foreach (var (role, pin) in _uses.Where(u => !gpio.Contains(u.Pin)))
        {
            problems.Add($"{role}={pin}: header pin {pin} is not a GPIO on the Jetson Orin Nano; use one of {string.Join(", ", OrinNanoHeader.GpioPins)}.");
        }

        foreach (var shared in _uses.GroupBy(u => u.Pin).Where(g => g.Count() > 1))
        {
            problems.Add($"Header pin {shared.Key} is assigned to {string.Join(" and ", shared.Select(u => u.Role))}; each pin can serve one role only.");
        }

        return problems;
    }

    /// <summary>Throws an <see cref="InvalidOperationException"/> listing every problem.</summary>
    public void ThrowIfInvalid()
    {
        var problems = Problems();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("GPIO pin plan is invalid: " + string.Join(" ", problems));
        }
    }
}
