using System.Threading.Channels;
using EdgeInspector.Gpio;

namespace EdgeInspector.Agent;

/// <summary>
/// The inspection cell's I/O around the camera: the light strobe, the part-present trigger
/// (null = free run: capture continuously), the reject actuator (null = none) and a host-driven
/// camera trigger output (null = the camera triggers itself or is software-triggered).
/// </summary>
public sealed record LineIo(LightStrobe Light, PartTrigger? Trigger = null, RejectOutput? Reject = null, TriggerOutput? CameraTrigger = null) : IDisposable
{
    public ChannelReader<PartDetected>? Parts => Trigger?.Parts;

    public void Dispose()
    {
        Trigger?.Dispose();
        Reject?.Dispose();
        CameraTrigger?.Dispose();
        Light.Dispose();
    }
}

/// <summary>Turns part-sensor edges into a queue the acquire stage takes parts from.</summary>
public sealed class PartTrigger : IDisposable
{
    private readonly Channel<PartDetected> _parts = Channel.CreateUnbounded<PartDetected>(new UnboundedChannelOptions { SingleReader = true });
    private readonly PartSensor _sensor;

    public PartTrigger(PartSensorOptions options, System.Device.Gpio.GpioController controller, GpioDriverKind driver, TimeProvider? time = null) =>
        _sensor = new PartSensor(options, controller, driver, part => _parts.Writer.TryWrite(part), time);

    public ChannelReader<PartDetected> Parts => _parts.Reader;

    public void Dispose()
    {
        _sensor.Dispose();
        _parts.Writer.TryComplete();
    }
}
