namespace EdgeInspector.Testing;

/// <summary>Locations in the repository checkout the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TextureBaselinePackage => Path.Combine(Root, "engines", "texture-baseline");

    public static string DemoClipPackage => Path.Combine(Root, "engines", "demo-clip");

    /// <summary>
    /// The default engine (PatchCore on NuGet's ImageNet ResNet18, enrolled on the demo parts): built,
    /// never committed, by engines/patchcore-resnet18/build.sh, which ./dev.sh test runs first.
    /// </summary>
    public static string DefaultEnginePackage
    {
        get
        {
            string path = Path.Combine(Root, ".work", "engines", "patchcore-resnet18");
            return File.Exists(Path.Combine(path, "manifest.json"))
                ? path
                : throw new InvalidOperationException($"the default engine is not built at {path}: run engines/patchcore-resnet18/build.sh (./dev.sh test does) before these tests");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeInspector.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Tests must run inside the EdgeInspector checkout (EdgeInspector.sln not found above the test binaries).");
    }
}
