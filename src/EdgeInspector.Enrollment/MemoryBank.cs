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

    /// <summary>Features wider than this are selected on a random projection to this many values.</summary>
    public const int ProjectionWidth = 128;

    /// <summary>
    /// k-center greedy: each next row is the one farthest (squared L2) from all chosen so far. Rows
    /// wider than <see cref="ProjectionWidth"/> are compared on a fixed random Gaussian projection
    /// to that width (Johnson-Lindenstrauss, as PatchCore and the trainer do): the selection costs a
    /// third for the default engine's 384-wide features, and distances are kept to a few percent.
    /// </summary>
    public static int[] GreedyCoreset(float[] features, int dim, int size)
    {
        int n = features.Length / dim;
        if (size >= n)
        {
            return [.. Enumerable.Range(0, n)];
        }

        if (dim > ProjectionWidth)
        {
            (features, dim) = (Project(features, dim, ProjectionWidth), ProjectionWidth);
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

    /// <summary>rows [N,dim] times a seeded N(0, 1/width) matrix [dim,width]: the same projection every time.</summary>
    private static float[] Project(float[] features, int dim, int width)
    {
        var random = new Random(0);
        var matrix = new float[width * dim]; // transposed: row w holds the weights of output w
        for (int i = 0; i < matrix.Length; i++)
        {
            // Box-Muller: a standard normal from two uniforms.
            double u = 1.0 - random.NextDouble();
            matrix[i] = (float)(Math.Sqrt(-2.0 * Math.Log(u)) * Math.Cos(2 * Math.PI * random.NextDouble()) / Math.Sqrt(width));
        }

        int n = features.Length / dim;
        var projected = new float[n * width];
        Parallel.For(0, n, j =>
        {
            var row = features.AsSpan(j * dim, dim);
            for (int w = 0; w < width; w++)
            {
                projected[(j * width) + w] = TensorPrimitives.Dot(row, matrix.AsSpan(w * dim, dim));
            }
        });
        return projected;
    }
}
