namespace EdgeInspector.Gpio;

/// <summary>
/// Jetson Orin Nano 40-pin header: board pin → gpiochip0 (tegra234-gpio) line offset.
/// System.Device.Gpio has no Jetson board numbering (dotnet/iot#1957), so the agent keeps this
/// table and opens lines by logical number.
/// </summary>
public static class OrinNanoHeader
{
    private static readonly Dictionary<int, int> Lines = new()
    {
        [7] = 144, [11] = 112, [12] = 50, [13] = 122, [15] = 85, [16] = 126, [18] = 125,
        [19] = 135, [21] = 134, [22] = 123, [23] = 133, [24] = 136, [26] = 137, [29] = 105,
        [31] = 106, [32] = 41, [33] = 43, [35] = 53, [36] = 113, [37] = 124, [38] = 52, [40] = 51,
    };

    public static IEnumerable<int> GpioPins => Lines.Keys.Order();

    /// <summary>The gpiochip0 line of a header pin; throws naming the usable pins otherwise.</summary>
    public static int LineOf(int headerPin) => Lines.TryGetValue(headerPin, out int line)
        ? line
        : throw new ArgumentOutOfRangeException(nameof(headerPin), headerPin, $"Header pin {headerPin} is not a GPIO on the Jetson Orin Nano; use one of {string.Join(", ", GpioPins)}.");
}
