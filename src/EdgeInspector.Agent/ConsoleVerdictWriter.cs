using System.Globalization;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>One human-readable line per verdict on stdout (demo and bench setups).</summary>
public sealed class ConsoleVerdictWriter(TextWriter output) : IVerdictSink
{
    public void Publish(Verdict verdict, byte[]? thumbnail)
    {
        string line = verdict.Kind switch
        {
            VerdictKind.Error => string.Create(CultureInfo.InvariantCulture, $"#{verdict.Seq,-5} ERROR  {verdict.Error}"),
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"#{verdict.Seq,-5} {(verdict.Kind == VerdictKind.Ng ? "NG   " : "OK   ")}  score {verdict.Score:0.000} (raw {verdict.RawScore:0.000})  regions {verdict.Regions.Count,2}  infer {verdict.TimingsMs.Infer,6:0.0} ms  total {verdict.TimingsMs.Total,6:0.0} ms  thumb {(thumbnail?.Length ?? 0) / 1024.0,5:0.0} KB"),
        };
        lock (output)
        {
            output.WriteLine(line);
        }
    }
}
