using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeInspector.Core;
using EdgeInspector.Imaging;
using EdgeInspector.Updates;

namespace EdgeInspector.Bench.Soak;

/// <summary>
/// <c>./dev.sh soak --minutes N</c>: the built agent at full rate (replay camera, fps 0) against a
/// real Mosquitto that restarts every few minutes, with command traffic and one signed model
/// update half-way; prints the agent's resident memory, GC heap, handles, threads and verdict
/// rate every minute, the least-squares slopes, and verdicts produced against received.
/// </summary>
internal static class SoakRun
{
    private const string Device = "soak";

    public static async Task<int> RunAsync(string[] args)
    {
        int minutes = int.Parse(PipelineBenchmark.Arg(args, "--minutes") ?? "10", CultureInfo.InvariantCulture);
        int restartEvery = int.Parse(PipelineBenchmark.Arg(args, "--restart-every") ?? "120", CultureInfo.InvariantCulture);
        string fps = PipelineBenchmark.Arg(args, "--fps") ?? "0";
        string model = Path.GetFullPath(PipelineBenchmark.Arg(args, "--model") ?? throw new ArgumentException("soak needs --model PKG"));
        string cli = PipelineBenchmark.Arg(args, "--cli") ?? throw new ArgumentException("soak needs --cli path/to/edge-inspector.dll (dev.sh passes it)");
        if (minutes < 1 || restartEvery < 10)
        {
            Console.Error.WriteLine("soak: --minutes must be 1 or more and --restart-every 10 s or more");
            return 2;
        }

        using var work = new BenchDirectory();
        string keys = Path.Combine(work.Path, "keys");
        PackageSigning.GenerateKeyPair(keys);
        string update = NextVersion(model, Path.Combine(work.Path, "update"), Path.Combine(keys, PackageSigning.PrivateKeyFileName));
        string images = Path.Combine(work.Path, "images");
        SyntheticParts.WriteSet(images, count: 40, seed: 7);

        using var broker = new SoakBroker(Path.Combine(work.Path, "broker"), 20000 + Random.Shared.Next(20000));
        using var stop = new CancellationTokenSource();
        using var stopCounting = new CancellationTokenSource();
        await broker.StartAsync(stop.Token).ConfigureAwait(false);
        await using var counter = new VerdictCounter(broker.Uri, Device);
        await using var commands = new CommandTraffic(broker.Uri, Device);
        var counting = counter.RunAsync(stopCounting.Token);
        using var agent = StartAgent(model, images, fps, broker.Uri, Path.Combine(work.Path, "state"), Path.Combine(keys, PackageSigning.PublicKeyFileName), AgentLog(work.Path));
        Console.WriteLine($"soak: {minutes} min, model {model}, replay fps {fps} (0: full rate), broker {broker.Uri} restarted every {restartEvery} s, one signed update (v{ModelPackage.ReadManifest(Path.Combine(update, ModelPackage.ManifestFileName)).Version}) at minute {Math.Max(1, minutes / 2)}, agent pid {agent.Id}");
        var traffic = commands.RunAsync(stop.Token);
        var restarts = RestartAsync(broker, TimeSpan.FromSeconds(restartEvery), stop.Token);
        var push = PushAsync(cli, update, broker.Uri, TimeSpan.FromMinutes(Math.Max(1, minutes / 2)), stop.Token);

        Console.WriteLine(SoakSample.Header);
        var samples = new List<SoakSample>();
        var clock = Stopwatch.StartNew();
        long countedBefore = 0;
        for (int minute = 1; minute <= minutes && !agent.HasExited; minute++)
        {
            await Task.Delay(TimeSpan.FromMinutes(minute) - clock.Elapsed).ConfigureAwait(false);
            var (rss, threads, handles) = SoakSample.Read(agent.Id);
            long counted = counter.Received;
            var sample = new SoakSample(minute, rss, commands.GcHeapMb, handles, threads, (counted - countedBefore) / 60.0);
            countedBefore = counted;
            samples.Add(sample);
            Console.WriteLine(sample);
        }

        await stop.CancelAsync().ConfigureAwait(false);
        int restarted = await restarts.ConfigureAwait(false);
        string pushed = await push.ConfigureAwait(false);
        await traffic.ConfigureAwait(false);
        // The broker is up: stop the agent as systemd does, then collect what it flushed on the way out.
        int exit = await StopAgentAsync(agent, counter).ConfigureAwait(false);
        string log = Path.GetFullPath(Path.Combine(".work", "soak-agent.log"));
        Directory.CreateDirectory(Path.GetDirectoryName(log)!);
        File.Copy(AgentLog(work.Path), log, overwrite: true);
        Report(samples, counter, commands, restarted, pushed, exit, log, Math.Max(1, minutes / 2));
        await stopCounting.CancelAsync().ConfigureAwait(false);
        await counting.ConfigureAwait(false);
        await broker.StopAsync().ConfigureAwait(false);
        return 0;
    }

    private static string AgentLog(string work) => Path.Combine(work, "agent.log");

    private static Process StartAgent(string model, string images, string fps, string broker, string state, string publicKey, string log)
    {
        string agent = Path.Combine(AppContext.BaseDirectory, "edge-inspector-agent.dll");
        var start = new ProcessStartInfo("dotnet", [agent, "--model", model, "--replay", images, "--fps", fps, "--device-id", Device, "--broker", broker,
            "--Agent:StateDirectory=" + state, "--Light:Mode=Off", "--Updates:Enabled=true", "--Updates:TrustedKeys:0=" + publicKey,
            "--Mqtt:ReconnectMinDelay=00:00:00.200", "--Mqtt:ReconnectMaxDelay=00:00:02"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        var writer = new StreamWriter(log) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(writer, e.Data);
        process.ErrorDataReceived += (_, e) => Write(writer, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Write(StreamWriter writer, string? line)
    {
        if (line is not null)
        {
            lock (writer)
            {
                writer.WriteLine(line);
            }
        }
    }

    /// <summary>A copy of <paramref name="model"/> one version up, signed with <paramref name="privateKey"/>.</summary>
    private static string NextVersion(string model, string directory, string privateKey)
    {
        Directory.CreateDirectory(directory);
        foreach (string file in Directory.EnumerateFiles(model, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(directory, Path.GetRelativePath(model, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        string manifestPath = Path.Combine(directory, ModelPackage.ManifestFileName);
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        manifest["version"] = (int)manifest["version"]! + 1;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        PackageSigning.SignPackage(directory, privateKey);
        return directory;
    }

    private static async Task<int> RestartAsync(SoakBroker broker, TimeSpan every, CancellationToken cancellationToken)
    {
        int restarts = 0;
        try
        {
            while (true)
            {
                await Task.Delay(every, cancellationToken).ConfigureAwait(false);
                await broker.StopAsync().ConfigureAwait(false);
                await Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
                await broker.StartAsync(CancellationToken.None).ConfigureAwait(false);
                restarts++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return restarts;
        }
    }

    /// <summary>edge-inspector push, as a workstation runs it; returns its last lines.</summary>
    private static async Task<string> PushAsync(string cli, string package, string broker, TimeSpan after, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(after, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return "not pushed (the soak ended first)";
        }

        // A broker restart in the middle ends a push ("lost the broker"); the workstation pushes again and the device resumes.
        string result = "";
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            var start = new ProcessStartInfo("dotnet", [cli, "push", "--package", package, "--broker", broker, "--device", Device, "--timeout", "300"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var push = Process.Start(start)!;
            var errors = push.StandardError.ReadToEndAsync(CancellationToken.None);
            string output = await push.StandardOutput.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
            await push.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            string last = string.Join(" | ", (output + await errors.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(2));
            result = string.Create(CultureInfo.InvariantCulture, $"attempt {attempt} exit {push.ExitCode}: {last}");
            if (push.ExitCode == 0)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>SIGTERM, then waits until no more verdicts arrive (2 s quiet, at most 30 s).</summary>
    private static async Task<int> StopAgentAsync(Process agent, VerdictCounter counter)
    {
        using (var kill = Process.Start("kill", ["-TERM", agent.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            await agent.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }

        var deadline = DateTime.UtcNow.AddSeconds(30);
        long last = -1;
        while (DateTime.UtcNow < deadline && counter.Received != last)
        {
            last = counter.Received;
            await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }

        return agent.ExitCode;
    }

    /// <summary>Slopes over the whole run and apart on each side of the update (its load is a step, not a leak).</summary>
    private static void Report(List<SoakSample> samples, VerdictCounter counter, CommandTraffic commands, int restarts, string pushed, int exit, string log, int updateMinute)
    {
        string Slopes(IReadOnlyList<SoakSample> part) => string.Create(CultureInfo.InvariantCulture,
            $"RSS {SoakSample.Slope(part, s => s.RssMb):+0.00;-0.00} MB/min, GC heap {SoakSample.Slope(part, s => s.GcHeapMb):+0.00;-0.00} MB/min, handles {SoakSample.Slope(part, s => s.Handles):+0.00;-0.00}/min, threads {SoakSample.Slope(part, s => s.Threads):+0.00;-0.00}/min");
        Console.WriteLine($"slope (least squares) minutes 2-{samples.Count}: {Slopes([.. samples.Skip(1)])}");
        Console.WriteLine($"  before the update (minutes 2-{updateMinute}): {Slopes([.. samples.Skip(1).Take(updateMinute - 1)])}");
        Console.WriteLine($"  after it settled (minutes {updateMinute + 2}-{samples.Count}): {Slopes([.. samples.Skip(updateMinute + 1)])}");

        // Every part is one verdict; the agent logs how many parts it took when it stops (EventId 1011).
        string? finished = File.ReadLines(log).LastOrDefault(l => l.Contains("Pipeline finished after ", StringComparison.Ordinal));
        long produced = finished is null ? -1 : long.Parse(finished.Split("Pipeline finished after ")[1].Split(' ')[0], CultureInfo.InvariantCulture);
        var seqs = counter.Seqs.Order().ToList();
        var gaps = seqs.Count == 0 ? [] : Enumerable.Range(0, (int)(seqs[^1] - seqs[0] + 1)).Select(i => seqs[0] + i).Except(seqs).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"verdicts: produced {produced} (the agent's parts), received {seqs.Count} distinct (seq {(seqs.Count > 0 ? seqs[0] : 0)}..{(seqs.Count > 0 ? seqs[^1] : 0)}, {counter.Received - seqs.Count} duplicates), lost {(produced < 0 ? "?" : (produced - seqs.Count).ToString(CultureInfo.InvariantCulture))}{(gaps.Count > 0 ? ", missing seq " + string.Join(",", gaps.Take(10)) : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"broker restarts {restarts}; commands sent {commands.Sent}, answered {commands.Answers}; update push {pushed}; agent exit {exit} after SIGTERM; agent log {log}"));
    }
}
