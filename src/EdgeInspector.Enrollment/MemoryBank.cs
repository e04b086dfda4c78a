using System.Numerics.Tensors;

namespace EdgeInspector.Enrollment;

/// <summary>
/// Few-shot normal memory, as the trainer builds it (memory_bank.py): every patch of the good
/// images while they are few, else a greedy k-center coreset of <c>ratio</c> of them, at least
/// <c>minSize</c> and at most <c>maxSize</c> rows. Deterministic: the coreset starts at the first
/// patch of the first image and ties go to the lowest index.
/// </summary>
public static class MemoryBank
{
    public static int CoresetSize(int patches, double ratio = 0.1, int minSize = 1024, int maxSize = 4096) =>
        Math.Min(maxSize, Math.Max(Math.Min(patches, minSize), (int)Math.Round(patches * ratio, MidpointRounding.ToEven)));

    /// <summary>Rows [M,E] (row-major) chosen from <paramref name="features"/> [N,E].</summary>
    public static float[] Build(float[] features, int dim, double ratio = 0.1, int minSize = 1024, int maxSize = 4096)
    {
        int n = features.Length / dim;
        int size = Math.Min(n, CoresetSize(n, ratio, minSize, maxSize));
        int[] chosen = GreedyCoreset(features, dim, size);
        var bank = new float[size * dim];
        for (int i = 0; i < size; i++)
        {
            features.AsSpan(chosen[i] * dim, dim).CopyTo(bank.AsSpan(i * dim, dim));
        }

        return bank;
    }

    /// <summary>k-center greedy: each next row is the one farthest (squared L2) from all chosen so far.</summary>
    public static int[] GreedyCoreset(float[] features, int dim, int size)
    {
        int n = features.Length / dim;
        if (size >= n)
        {
            return [.. Enumerable.Range(0, n)];
        }

        var squares = new float[n];
        for (int j = 0; j < n; j++)
        {
            var row = features.AsSpan(j * dim, dim);
            squares[j] = TensorPrimitives.Dot(row, row);
        }

        var distance = new float[n];
        Array.Fill(distance, float.PositiveInfinity);
        var chosen = new int[size];
        int current = 0;
        for (int k = 0; k < size; k++)
        {
            chosen[k] = current;
            int c = current;
            Parallel.For(0, Environment.ProcessorCount, part =>
            {
                int from = (int)((long)n * part / Environment.ProcessorCount);
                int to = (int)((long)n * (part + 1) / Environment.ProcessorCount);
                var centre = features.AsSpan(c * dim, dim);
                for (int j = from; j < to; j++)
                {
                    float d = squares[j] + squares[c] - (2 * TensorPrimitives.Dot(features.AsSpan(j * dim, dim), centre));
                    if (d < distance[j])
                    {
                        distance[j] = d;
                    }
                }
            });
            distance[c] = float.NegativeInfinity;
            int best = 0;
            for (int j = 1; j < n; j++)
            {
                if (distance[j] > distance[best])
                {
                    best = j;
                }
            }

            current = best;
        }

        return chosen;
    }
}
