using System.Globalization;

namespace EdgeInspector.Bench.Soak;

/// <summary>One minute of a soak: the agent's footprint at its end and the verdicts that arrived in it.</summary>
internal sealed record SoakSample(int Minute, double RssMb, double GcHeapMb, int Handles, int Threads, double VerdictsPerSecond)
{
    public const string Header = "minute  rss_mb  gc_heap_mb  handles  threads  verdicts/s";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Minute,6}  {RssMb,6:F1}  {GcHeapMb,10:F1}  {Handles,7}  {Threads,7}  {VerdictsPerSecond,10:F1}");

    /// <summary>Least-squares slope of <paramref name="value"/> per minute (0 with fewer than two samples).</summary>
    public static double Slope(IReadOnlyList<SoakSample> samples, Func<SoakSample, double> value)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        double meanX = samples.Average(s => s.Minute);
        double meanY = samples.Average(value);
        double covariance = samples.Sum(s => (s.Minute - meanX) * (value(s) - meanY));
        double variance = samples.Sum(s => (s.Minute - meanX) * (s.Minute - meanX));
        return covariance / variance;
    }

    /// <summary>The agent's resident memory, threads and open handles, from /proc.</summary>
    public static (double RssMb, int Threads, int Handles) Read(int pid)
    {
        double rss = 0;
        int threads = 0;
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
        {
            string[] parts = line.Split(' ', '\t').Where(p => p.Length > 0).ToArray();
            if (parts is ["VmRSS:", var kb, ..])
            {
                rss = double.Parse(kb, CultureInfo.InvariantCulture) / 1024;
            }
            else if (parts is ["Threads:", var count, ..])
            {
                threads = int.Parse(count, CultureInfo.InvariantCulture);
            }
        }

        return (rss, threads, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
    }
}
