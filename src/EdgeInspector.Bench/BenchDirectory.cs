namespace EdgeInspector.Bench;

/// <summary>A scratch folder for one measurement (a durable outbox), removed afterwards.</summary>
internal sealed class BenchDirectory : IDisposable
{
    public BenchDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "edge-inspector-bench", "state-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
