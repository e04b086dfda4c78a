using System.Globalization;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// Reads host health from Linux's own files: thermal zones (the Jetson names its SoC zones
/// cpu-thermal, gpu-thermal, soc0...), the Tegra GPU load (0..1000), /proc/meminfo and the
/// state directory's file system. Anything a host lacks is left out, never guessed.
/// </summary>
public sealed class DeviceHealthProbe(string thermalRoot = "/sys/class/thermal", string meminfo = "/proc/meminfo")
{
    private static readonly string[] GpuLoadFiles =
    [
        "/sys/devices/platform/bus@0/17000000.gpu/load",
        "/sys/devices/platform/17000000.gpu/load",
        "/sys/devices/gpu.0/load",
    ];

    public DeviceHealth Read(string stateDirectory) => new()
    {
        TemperaturesC = Temperatures(),
        GpuLoadPct = GpuLoad(),
        MemoryUsedMb = Memory().Used,
        MemoryTotalMb = Memory().Total,
        DiskFreeMb = DiskFree(stateDirectory),
    };

    private Dictionary<string, double>? Temperatures()
    {
        if (!Directory.Exists(thermalRoot))
        {
            return null;
        }

        var result = new Dictionary<string, double>();
        foreach (string zone in Directory.EnumerateDirectories(thermalRoot, "thermal_zone*").Order(StringComparer.Ordinal))
        {
            string? type = ReadLine(Path.Combine(zone, "type"));
            if (type is not null && long.TryParse(ReadLine(Path.Combine(zone, "temp")), NumberStyles.Integer, CultureInfo.InvariantCulture, out long milli))
            {
                result.TryAdd(type, Math.Round(milli / 1000.0, 1));
            }
        }

        return result.Count > 0 ? result : null;
    }

    private static double? GpuLoad()
    {
        foreach (string file in GpuLoadFiles)
        {
            if (long.TryParse(ReadLine(file), NumberStyles.Integer, CultureInfo.InvariantCulture, out long permille))
            {
                return permille / 10.0;
            }
        }

        return null;
    }

    private (long? Used, long? Total) Memory()
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(meminfo);
        }
        catch (IOException)
        {
            return (null, null);
        }

        long? Kb(string key) => lines.FirstOrDefault(l => l.StartsWith(key + ":", StringComparison.Ordinal)) is { } line
            && long.TryParse(line[(key.Length + 1)..].Trim().Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long kb) ? kb : null;
        long? total = Kb("MemTotal");
        long? available = Kb("MemAvailable");
        return total is null || available is null ? (null, null) : ((total - available) / 1024, total / 1024);
    }

    private static long? DiskFree(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace / (1024 * 1024);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? ReadLine(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
