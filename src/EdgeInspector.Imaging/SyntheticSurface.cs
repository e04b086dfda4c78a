namespace EdgeInspector.Imaging;

/// <summary>The materials <see cref="SyntheticParts"/> can draw: distinct textures for benchmarking a memory bank on surfaces it has not seen.</summary>
public enum SyntheticSurface
{
    /// <summary>Horizontally brushed metal under slightly tilted light (the original demo surface).</summary>
    BrushedMetal,

    /// <summary>Sand-blasted or cast metal: isotropic fine grain, mottling and small pits.</summary>
    CastMetal,

    /// <summary>Plain-weave fabric: a periodic over/under pattern of threads.</summary>
    WovenFabric,

    /// <summary>Injection-moulded plastic: smooth with a subtle orange-peel relief and a soft gloss band.</summary>
    MouldedPlastic,
}

/// <summary>The command-line names of <see cref="SyntheticSurface"/> (kebab-case, e.g. <c>cast-metal</c>).</summary>
public static class SyntheticSurfaces
{
    private static readonly Dictionary<string, SyntheticSurface> ByName = Enum.GetValues<SyntheticSurface>().ToDictionary(Name, s => s, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every surface's name, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = Enum.GetValues<SyntheticSurface>().Select(Name).ToArray();

    public static string Name(SyntheticSurface surface) => surface switch
    {
        SyntheticSurface.BrushedMetal => "brushed-metal",
        SyntheticSurface.CastMetal => "cast-metal",
        SyntheticSurface.WovenFabric => "woven-fabric",
        SyntheticSurface.MouldedPlastic => "moulded-plastic",
        _ => throw new ArgumentOutOfRangeException(nameof(surface), surface, null),
    };

    /// <summary>The surface named <paramref name="name"/> (case-insensitive), false for a name not in <see cref="Names"/>.</summary>
    public static bool TryParse(string name, out SyntheticSurface surface) => ByName.TryGetValue(name, out surface);
}
