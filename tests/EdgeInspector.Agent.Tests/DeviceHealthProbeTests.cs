using EdgeInspector.Testing;

namespace EdgeInspector.Agent.Tests;

public sealed class DeviceHealthProbeTests
{
    [Fact]
    public void Reads_thermal_zones_and_memory_as_a_Jetson_exposes_them()
    {
        using var dir = new TempDirectory();
        foreach (var (zone, type, milli) in new[] { ("thermal_zone0", "cpu-thermal", "48500"), ("thermal_zone1", "gpu-thermal", "47000") })
        {
            Directory.CreateDirectory(dir.Combine("thermal", zone));
            File.WriteAllText(dir.Combine("thermal", zone, "type"), type + "\n");
            File.WriteAllText(dir.Combine("thermal", zone, "temp"), milli + "\n");
        }

        File.WriteAllText(dir.Combine("meminfo"), "MemTotal:        7802000 kB\nMemFree:          100000 kB\nMemAvailable:    5754000 kB\n");

        var health = new DeviceHealthProbe(dir.Combine("thermal"), dir.Combine("meminfo")).Read(dir.Path);

        Assert.Equal(48.5, health.TemperaturesC!["cpu-thermal"]);
        Assert.Equal(47.0, health.TemperaturesC["gpu-thermal"]);
        Assert.Equal(7619, health.MemoryTotalMb);
        Assert.Equal(2000, health.MemoryUsedMb);
        Assert.True(health.DiskFreeMb > 0);
    }

    [Fact]
    public void Leaves_out_what_the_host_lacks()
    {
        using var dir = new TempDirectory();
        var health = new DeviceHealthProbe(dir.Combine("no-thermal"), dir.Combine("no-meminfo")).Read(dir.Path);

        Assert.Null(health.TemperaturesC);
        Assert.Null(health.MemoryTotalMb);
        Assert.Null(health.MemoryUsedMb);
    }
}
