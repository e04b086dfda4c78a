namespace EdgeInspector.Testing;

/// <summary>Locations in the repository checkout the tests run from.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string TextureBaselinePackage => Path.Combine(Root, "engines", "texture-baseline");

    public static string DemoClipPackage => Path.Combine(Root, "engines", "demo-clip");

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
