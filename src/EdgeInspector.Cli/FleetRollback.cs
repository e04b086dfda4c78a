using System.Collections.Concurrent;
using System.Globalization;
using EdgeInspector.Updates;

namespace EdgeInspector.Cli;

/// <summary>
/// push --fleet --rollback-on-abort: after an aborted rollout, a signed cmd/rollback to every device the
/// rollout switched, <c>parallel</c> at a time. Each names the version the device served before
/// (<c>--to</c>), so a device whose kept previous package is another one (say, its probation already
/// rolled it back) refuses instead of moving further.
/// </summary>
public sealed class FleetRollback(Func<string, int?, CancellationToken, Task<RollbackResult>> rollback, int parallel)
{
    /// <summary>Fails early, naming the option, when <paramref name="privateKeyPath"/> is not a readable P-256 private key.</summary>
    public static void CheckKey(string privateKeyPath)
    {
        try
        {
            PackageSigning.LoadPrivateKey(privateKeyPath).Dispose();
        }
        catch (UpdateException e)
        {
            throw new CliException($"push: --rollback-key: {e.Message}", e);
        }
    }

    public async Task<IReadOnlyList<FleetDeviceResult>> RunAsync(IReadOnlyList<FleetDeviceResult> results, TextWriter output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(output);
        var switched = results.Where(r => r.Switched).ToList();
        output.WriteLine(Invariant($"rolling back the {switched.Count} device(s) this rollout switched"));
        var answers = new ConcurrentDictionary<string, RollbackResult>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(switched, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallel), CancellationToken = cancellationToken }, async (r, token) =>
        {
            output.WriteLine($"[{r.Device}] rolling back to {(r.ServedBefore is { } v ? Invariant($"v{v}") : "its previous package (version before the rollout unknown)")}");
            var answer = await RollBackAsync(r.Device, r.ServedBefore, token).ConfigureAwait(false);
            answers[r.Device] = answer;
            output.WriteLine($"[{r.Device}] {Describe(answer)}");
        }).ConfigureAwait(false);
        return [.. results.Select(r => answers.TryGetValue(r.Device, out var answer) ? r with { Rollback = answer } : r)];
    }

    /// <summary>The table's rollback cell.</summary>
    public static string Describe(RollbackResult? r) =>
        r is null ? "-" : r.Ok ? Invariant($"rolled back to v{r.Version}") : $"rollback failed: {r.Error}";

    private async Task<RollbackResult> RollBackAsync(string device, int? toVersion, CancellationToken cancellationToken)
    {
        try
        {
            return await rollback(device, toVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is CliException or UpdateException or MQTTnet.Exceptions.MqttCommunicationException)
        {
            // One unreachable device must not cost the others their rollback.
            return new RollbackResult(device, false, null, null, e.Message);
        }
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
