namespace EdgeInspector.Acquisition;

public enum NodeAccess
{
    Missing,
    ReadOnly,
    Writable,
}

/// <summary>
/// One GenICam node map as an SDK exposes it (Aravis' camera features, a Spinnaker node map): the
/// few primitives <see cref="GenICamNodePlan.Apply"/> needs to write a plan. Failures throw
/// <see cref="CameraException"/> saying what was being done.
/// </summary>
public interface IGenICamNodes
{
    NodeAccess Access(string node);

    /// <summary>The enumeration's entries that are available now.</summary>
    IReadOnlyList<string> Entries(string node);

    void SetEnumeration(string node, string entry);

    string? GetEnumeration(string node);

    (double Min, double Max) FloatBounds(string node);

    void SetFloat(string node, double value);

    double GetFloat(string node);

    (long Min, long Max, long Increment) IntegerBounds(string node);

    void SetInteger(string node, long value);

    long GetInteger(string node);

    void SetBoolean(string node, bool value);

    bool GetBoolean(string node);
}
