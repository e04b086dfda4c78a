using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace EdgeInspector.Cli;

/// <summary>
/// A fleet file: <c>{"groups": {"line1": ["cell1", "cell2"]}, "canaries": ["cell1"]}</c>. Device ids are
/// agent device ids (and, with the broker of deploy/mosquitto, certificate CNs).
/// </summary>
public sealed class FleetFile
{
    private FleetFile(IReadOnlyDictionary<string, IReadOnlyList<string>> groups, IReadOnlyList<string> canaries)
    {
        Groups = groups;
        Canaries = canaries;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Groups { get; }

    public IReadOnlyList<string> Canaries { get; }

    public static FleetFile Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the fleet file '{path}': {e.Message}", e);
        }

        return Parse(text, path);
    }

    public static FleetFile Parse(string json, string name = "fleet file")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new CliException($"'{name}' is not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("groups", out var groupsElement) || groupsElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException($"'{name}': expected {{\"groups\": {{\"NAME\": [\"device\", …]}}, \"canaries\": [\"device\", …]}}");
            }

            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("groups" or "canaries"))
                {
                    throw new CliException($"'{name}': unknown field '{property.Name}' (fields: groups, canaries)");
                }
            }

            var groups = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var group in groupsElement.EnumerateObject())
            {
                groups[group.Name] = DeviceList(group.Value, $"'{name}': group '{group.Name}'");
            }

            if (groups.Count == 0)
            {
                throw new CliException($"'{name}' has no groups");
            }

            var canaries = root.TryGetProperty("canaries", out var c) ? DeviceList(c, $"'{name}': canaries") : [];
            var known = groups.Values.SelectMany(g => g).ToHashSet(StringComparer.Ordinal);
            foreach (string canary in canaries.Where(d => !known.Contains(d)))
            {
                throw new CliException($"'{name}': canary '{canary}' is in no group");
            }

            return new FleetFile(groups, canaries);
        }
    }

    /// <summary>The devices of <paramref name="group"/> (null: of every group), canaries first in fleet-file order, each once.</summary>
    public IReadOnlyList<(string Device, bool Canary)> Plan(string? group)
    {
        IEnumerable<string> devices;
        if (group is null)
        {
            devices = Groups.Values.SelectMany(g => g);
        }
        else if (Groups.TryGetValue(group, out var members))
        {
            devices = members;
        }
        else
        {
            throw new CliException($"push: no group '{group}' in the fleet file (groups: {string.Join(", ", Groups.Keys)})");
        }

        var ordered = devices.Distinct(StringComparer.Ordinal).ToList();
        var canaries = Canaries.Where(ordered.Contains).ToList();
        return [.. canaries.Select(d => (d, true)), .. ordered.Where(d => !canaries.Contains(d)).Select(d => (d, false))];
    }

    private static string[] DeviceList(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new CliException($"{what} must be an array of device ids");
        }

        var devices = new List<string>();
        foreach (var item in element.EnumerateArray())
        {
            string? id = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
            if (string.IsNullOrWhiteSpace(id) || id.IndexOfAny(['/', '+', '#']) >= 0)
            {
                throw new CliException($"{what}: '{item}' is not a device id (a non-empty string without '/', '+' or '#')");
            }

            devices.Add(id);
        }

        return [.. devices];
    }
}

/// <summary>
/// One device's outcome in a fleet rollout: the push, the version it served before (from its retained
/// status; null when it had none) and, after an aborted rollout with --rollback-on-abort, the rollback.
/// </summary>
public sealed record FleetDeviceResult(string Device, bool Canary, string Result, int Version, string? Reason, double Seconds, int? ServedBefore = null, RollbackResult? Rollback = null)
{
    public const string Skipped = "skipped";
    public const string Failed = "failed";

    public bool Succeeded => Result == Updates.UpdatePhase.Active;

    /// <summary>This rollout moved the device to <see cref="Version"/>; one that already served it only answered active.</summary>
    public bool Switched => Succeeded && ServedBefore != Version;
}

/// <summary>
/// A staged rollout of one package: canaries one at a time (any failure aborts the rollout), then the
/// rest, <c>parallel</c> at a time, stopping new pushes once more than <c>maxFailures</c> have failed.
/// Devices never attempted are reported as skipped. With <paramref name="rollbackOnAbort"/>, an aborted
/// rollout then rolls back the devices it switched.
/// </summary>
public sealed class FleetPush(Func<string, TextWriter, CancellationToken, Task<PushResult>> push, int parallel, int maxFailures, int version, TextWriter output, FleetRollback? rollbackOnAbort = null)
{
    private readonly TextWriter _output = TextWriter.Synchronized(output);

    public async Task<IReadOnlyList<FleetDeviceResult>> RunAsync(IReadOnlyList<(string Device, bool Canary)> plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var results = new FleetDeviceResult?[plan.Count];
        int canaryCount = plan.Count(p => p.Canary);
        string? abort = null;
        int done = 0;
        _output.WriteLine(Invariant($"rollout of v{version} to {plan.Count} device(s): canaries ({canaryCount}) one at a time, then the rest ({plan.Count - canaryCount}) {parallel} at a time; stop after a failed canary or more than {maxFailures} failure(s)"));

        for (int i = 0; i < plan.Count && plan[i].Canary; i++)
        {
            var r = await PushOneAsync(plan[i].Device, true, cancellationToken).ConfigureAwait(false);
            results[i] = r;
            Report(r, ++done, plan.Count);
            if (!r.Succeeded)
            {
                abort = $"canary {r.Device} {r.Result}";
                break;
            }
        }

        if (abort is null)
        {
            var queue = new Queue<int>(Enumerable.Range(0, plan.Count).Where(i => !plan[i].Canary));
            int failures = 0;
            var gate = new object();
            async Task WorkerAsync()
            {
                while (true)
                {
                    int index;
                    lock (gate)
                    {
                        if (abort is not null || !queue.TryDequeue(out index))
                        {
                            return;
                        }
                    }

                    var r = await PushOneAsync(plan[index].Device, false, cancellationToken).ConfigureAwait(false);
                    lock (gate)
                    {
                        results[index] = r;
                        Report(r, ++done, plan.Count);
                        if (!r.Succeeded && ++failures > maxFailures && abort is null)
                        {
                            abort = Invariant($"{failures} failures > --max-failures {maxFailures}");
                        }
                    }
                }
            }

            await Task.WhenAll(Enumerable.Range(0, Math.Max(1, parallel)).Select(_ => Task.Run(WorkerAsync, cancellationToken))).ConfigureAwait(false);
        }

        IReadOnlyList<FleetDeviceResult> outcome = [.. results.Select((r, i) => r ?? new FleetDeviceResult(plan[i].Device, plan[i].Canary, FleetDeviceResult.Skipped, version, $"not attempted: rollout aborted ({abort})", 0))];
        if (abort is null)
        {
            return outcome;
        }

        _output.WriteLine($"rollout aborted: {abort}");
        return rollbackOnAbort is null ? outcome : await rollbackOnAbort.RunAsync(outcome, _output, cancellationToken).ConfigureAwait(false);
    }

    private async Task<FleetDeviceResult> PushOneAsync(string device, bool canary, CancellationToken cancellationToken)
    {
        _output.WriteLine($"[{device}] {(canary ? "canary: " : "")}pushing");
        var watch = Stopwatch.StartNew();
        try
        {
            var r = await push(device, new PrefixedWriter(_output, $"[{device}] "), cancellationToken).ConfigureAwait(false);
            return new FleetDeviceResult(device, canary, r.Phase, r.Version, r.Reason, r.Seconds, r.ServedBefore);
        }
        catch (CliException e)
        {
            return new FleetDeviceResult(device, canary, FleetDeviceResult.Failed, version, e.Message, watch.Elapsed.TotalSeconds);
        }
        catch (Updates.UpdateException e)
        {
            return new FleetDeviceResult(device, canary, FleetDeviceResult.Failed, version, e.Message, watch.Elapsed.TotalSeconds);
        }
    }

    private void Report(FleetDeviceResult r, int done, int total) =>
        _output.WriteLine(Invariant($"[{r.Device}] {done}/{total} {(r.Canary ? "canary " : "")}{r.Result} v{r.Version} in {r.Seconds:F1} s{(r.Reason is null || r.Succeeded ? "" : ": " + r.Reason)}"));

    /// <summary>The per-device result table.</summary>
    public static void WriteTable(IReadOnlyList<FleetDeviceResult> results, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(output);
        bool rollback = results.Any(r => r.Rollback is not null);
        string[] head = ["device", "role", "result", "version", "seconds", "reason", .. rollback ? ["rollback"] : Array.Empty<string>()];
        string[] Row(FleetDeviceResult r) => [r.Device, r.Canary ? "canary" : "-", r.Result, r.Version.ToString(CultureInfo.InvariantCulture), Invariant($"{r.Seconds:F1}"), r.Reason ?? "-", .. rollback ? [FleetRollback.Describe(r.Rollback)] : Array.Empty<string>()];
        TextTable.Write(output, head, results.Select(Row));

        int ok = results.Count(r => r.Succeeded);
        string rolledBack = rollback ? Invariant($"; {results.Count(r => r.Rollback?.Ok == true)}/{results.Count(r => r.Rollback is not null)} switched device(s) rolled back") : "";
        output.WriteLine(Invariant($"{ok}/{results.Count} devices active, {results.Count(r => r.Result == FleetDeviceResult.Skipped)} skipped, {results.Count - ok - results.Count(r => r.Result == FleetDeviceResult.Skipped)} failed{rolledBack}"));
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>Prefixes each line written through it (one device's push progress in a parallel rollout).</summary>
    private sealed class PrefixedWriter(TextWriter target, string prefix) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public override Encoding Encoding => target.Encoding;

        public override void Write(char value)
        {
            if (value == '\n')
            {
                target.WriteLine(prefix + _line.ToString().TrimEnd('\r'));
                _line.Clear();
            }
            else
            {
                _line.Append(value);
            }
        }

        public override void WriteLine(string? value) => target.WriteLine(prefix + value);
    }
}
