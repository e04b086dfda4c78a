using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeInspector.Agent;

/// <summary>Drift:* — when the line's parts no longer look like what the serving model was enrolled on (docs/data-loop.md).</summary>
public sealed class DriftOptions
{
    public const string Section = "Drift";

    public bool Enabled { get; set; } = true;

    /// <summary>The last parts the NG rate and score distribution are measured over; drift is judged once the window is full.</summary>
    [Range(10, 100_000, ErrorMessage = "Drift:Window must be from 10 to 100000 (parts in the rolling window), e.g. 500.")]
    public int Window { get; set; } = 500;

    /// <summary>Status turns degraded while more than this share of the window is NG.</summary>
    [Range(0.0, 1.0, ErrorMessage = "Drift:NgRateCeiling must be from 0 to 1 (the NG share that means drift, not a bad batch), e.g. 0.5.")]
    public double NgRateCeiling { get; set; } = 0.5;
}

[OptionsValidator]
public sealed partial class DriftOptionsValidator : IValidateOptions<DriftOptions>;
