using System.Globalization;
using EdgeInspector.Core;

namespace EdgeInspector.Agent;

/// <summary>
/// Watches the first parts a newly activated model scores. If too many of them are ERROR
/// verdicts, or nearly all are NG (the usual sign of a broken model or a wrong threshold, not a
/// sudden batch of bad parts), it reports the failure once so the update is rolled back.
/// </summary>
public sealed class ProbationWatch(UpdateOptions options) : IInspectionTap
{
    private readonly Lock _gate = new();
    private string? _sha256;
    private int _parts;
    private int _errors;
    private int _ng;

    /// <summary>Raised once, off the pipeline's thread, with the reason the new model failed its probation.</summary>
    public event Action<string>? Failed;

    /// <summary>Starts watching the verdicts of the model with this file hash.</summary>
    public void Start(ModelIdentity model)
    {
        lock (_gate)
        {
            _sha256 = options.ProbationParts > 0 ? model.Sha256 : null;
            _parts = _errors = _ng = 0;
        }
    }

    public void Observe(DecidedPart part)
    {
        var verdict = part.Verdict;
        string? reason = null;
        lock (_gate)
        {
            if (_sha256 is null || verdict.Model?.Sha256 != _sha256)
            {
                return;
            }

            _parts++;
            _errors += verdict.Kind == VerdictKind.Error ? 1 : 0;
            _ng += verdict.Kind == VerdictKind.Ng ? 1 : 0;
            if (_parts < options.ProbationParts)
            {
                return;
            }

            double errorRate = (double)_errors / _parts;
            double ngRate = (double)_ng / _parts;
            string model = $"{verdict.Model.Name} v{verdict.Model.Version}";
            if (errorRate > options.RollbackErrorRate)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"automatic rollback: {model} gave {errorRate * 100:0}% ERROR verdicts over its first {_parts} parts (Updates:RollbackErrorRate {options.RollbackErrorRate})");
            }
            else if (ngRate > options.RollbackNgRate)
            {
                reason = string.Create(CultureInfo.InvariantCulture, $"automatic rollback: {model} judged {ngRate * 100:0}% of its first {_parts} parts NG (Updates:RollbackNgRate {options.RollbackNgRate})");
            }

            _sha256 = null;
        }

        if (reason is not null && Failed is { } failed)
        {
            _ = Task.Run(() => failed(reason));
        }
    }
}
