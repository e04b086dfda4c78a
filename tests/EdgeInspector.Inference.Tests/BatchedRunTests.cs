using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Testing;

namespace EdgeInspector.Inference.Tests;

/// <summary>A tiled line's tiles scored in one run of the default engine, whose batch dimension is symbolic.</summary>
public sealed class BatchedRunTests : IDisposable
{
    private const int Tiles = 4;
    private readonly ModelRunner _runner = Models.Loader(batch: Tiles).Load(RepoPaths.DefaultEnginePackage);
    private readonly ModelInputWriter _writer = new();

    public void Dispose()
    {
        _runner.Dispose();
        _writer.Dispose();
    }

    [Fact]
    public void A_batch_scores_and_maps_each_image_as_a_run_of_one_would()
    {
        var batch = new byte[Tiles * _runner.InputLength];
        SyntheticDefect[] parts = [SyntheticDefect.None, SyntheticDefect.Scratch, SyntheticDefect.None, SyntheticDefect.Crack];
        for (int i = 0; i < Tiles; i++)
        {
            Models.SyntheticInput(_runner, _writer, parts[i], 101 + i).CopyTo(batch.AsSpan(i * _runner.InputLength));
        }

        float[] scores = _runner.RunBatch(batch).ToArray();
        float[] maps = [.. _runner.Map];

        int pixels = _runner.Width * _runner.Height;
        for (int i = 0; i < Tiles; i++)
        {
            float alone = _runner.Run(batch.AsSpan(i * _runner.InputLength, _runner.InputLength));
            Assert.Equal(alone, scores[i], 4);
            Assert.Equal(_runner.Map.AsSpan(0, pixels).ToArray().Max(), maps.AsSpan(i * pixels, pixels).ToArray().Max(), 4);
        }

        float threshold = (float)_runner.Package.Manifest.Decision.ImageThreshold;
        Assert.Equal([false, true, false, true], scores.Select(s => s > threshold));
    }

    [Fact]
    public void A_batched_run_allocates_no_buffers()
    {
        var batch = new byte[Tiles * _runner.InputLength];
        _runner.RunBatch(batch);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 3; i++)
        {
            _runner.RunBatch(batch);
        }

        // ORT's managed Run marshals its handle and name arrays (a few hundred bytes); one tile's
        // input alone is 150 KB, its map 200 KB.
        long perRun = (GC.GetAllocatedBytesForCurrentThread() - before) / 3;
        Assert.True(perRun < 1024, $"{perRun} bytes allocated per batched run");
    }

    [Fact]
    public void A_batch_of_another_size_is_refused_with_the_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => _runner.RunBatch(new byte[_runner.InputLength]));

        Assert.Contains($"{Tiles} images", e.Message, StringComparison.Ordinal);
    }
}
