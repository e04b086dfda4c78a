using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// The model inputs of the next parts through the pipeline, for cmd/enroll: the decide stage
/// offers every inspected part, and while no enrollment collects, that costs one volatile read.
/// </summary>
public sealed class EnrollmentParts : IInspectionTap
{
    private Collection? _collecting;

    /// <summary>
    /// The model inputs (exactly H×W×3 bytes) of the next <paramref name="count"/> parts scored by
    /// <paramref name="model"/>; parts that could not be inspected are skipped. <paramref name="progress"/>
    /// hears the count after each part, on the pipeline's thread. Fails when another model takes over meanwhile.
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> CollectAsync(int count, ModelIdentity model, Action<int> progress, CancellationToken cancellationToken)
    {
        var collection = new Collection(count, model, progress);
        if (Interlocked.CompareExchange(ref _collecting, collection, null) is not null)
        {
            throw new InvalidOperationException("another enrollment is collecting parts; wait for its reply");
        }

        try
        {
            return await collection.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.CompareExchange(ref _collecting, null, collection);
        }
    }

    /// <summary>
    /// Sees every decided part; parts that could not be inspected are skipped. Parts the input
    /// guard refused are taken: enrolling a new product is exactly when frames leave the serving
    /// package's ranges (the tech vouches that the next parts are good).
    /// </summary>
    public void Observe(DecidedPart part)
    {
        if ((part.Verdict.Kind != VerdictKind.Error || part.OutOfInputRange) && Volatile.Read(ref _collecting) is { } collecting)
        {
            collecting.Add(part.Verdict.Model, part.ModelInput, part.Tiles);
        }
    }

    /// <summary>One enrollment's parts; <see cref="Add"/> runs on the publish stage only.</summary>
    private sealed class Collection(int count, ModelIdentity model, Action<int> progress)
    {
        private readonly List<byte[]> _inputs = new(count);
        private int _parts;

        public TaskCompletionSource<IReadOnlyList<byte[]>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Adds one part: each of its <paramref name="tiles"/> model inputs enrolls, as each was scored.</summary>
        public void Add(ModelIdentity? scoredBy, ReadOnlySpan<byte> input, int tiles)
        {
            if (Done.Task.IsCompleted)
            {
                return;
            }

            if (scoredBy is null || scoredBy.Sha256 != model.Sha256)
            {
                Done.TrySetException(new InvalidOperationException($"the serving model changed from {model.Name} v{model.Version} to {scoredBy?.Name} v{scoredBy?.Version} while parts were collected; send cmd/enroll again"));
                return;
            }

            int tileBytes = input.Length / tiles;
            for (int t = 0; t < tiles; t++)
            {
                _inputs.Add(input.Slice(t * tileBytes, tileBytes).ToArray());
            }

            progress(++_parts);
            if (_parts == count)
            {
                Done.TrySetResult(_inputs);
            }
        }
    }
}
