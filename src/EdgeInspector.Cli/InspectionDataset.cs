namespace EdgeInspector.Cli;

/// <summary>
/// One evaluation image: its defect kind ("good" for normal parts), its mask if drawn, and its
/// category when the dataset root holds several (MVTec AD's <c>DIR/&lt;category&gt;/test/...</c>).
/// </summary>
public sealed record DatasetImage(string Path, string Kind, string? MaskPath, string? Category = null)
{
    public bool IsAnomalous => Kind != InspectionDataset.GoodFolder;
}

/// <summary>
/// An evaluation set in MVTec layout: <c>DIR/test/good/*</c>, <c>DIR/test/&lt;defect&gt;/*</c>,
/// optional <c>DIR/ground_truth/&lt;defect&gt;/&lt;name&gt;_mask.png</c>; or the class folders
/// directly under DIR (<c>DIR/good</c>, <c>DIR/&lt;defect&gt;</c>); or several categories, each in
/// MVTec layout (<c>DIR/&lt;category&gt;/test/...</c>, <c>DIR/&lt;category&gt;/ground_truth/...</c>),
/// as the MVTec AD download unpacks.
/// </summary>
public static class InspectionDataset
{
    public const string GoodFolder = "good";
    private const string TestFolder = "test";
    private const string GroundTruthFolder = "ground_truth";
    private static readonly HashSet<string> ImageExtensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff" };

    public static IReadOnlyList<DatasetImage> Scan(string directory)
    {
        string root = Path.GetFullPath(directory);
        if (!Directory.Exists(root))
        {
            throw new CliException($"dataset folder '{root}' does not exist");
        }

        var folders = Directory.GetDirectories(root).Order(StringComparer.Ordinal).ToList();
        if (Directory.Exists(Path.Combine(root, TestFolder)) || !folders.Any(f => Directory.Exists(Path.Combine(f, TestFolder))))
        {
            return ScanSet(root, category: null);
        }

        // Several categories: every folder must be one, so a misnamed category is not silently left out.
        foreach (string folder in folders.Where(f => !Directory.Exists(Path.Combine(f, TestFolder))))
        {
            throw new CliException($"'{root}' holds categories in MVTec layout (<category>/test/...) but '{Path.GetFileName(folder)}' has no '{TestFolder}' folder: move it out of the dataset or give it test/good and test/<defect>");
        }

        return [.. folders.SelectMany(f => ScanSet(f, Path.GetFileName(f)))];
    }

    /// <summary>Image files of a folder and its subfolders, in a stable order.</summary>
    public static IReadOnlyList<string> Images(string directory) =>
        Directory.Exists(directory)
            ? [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Where(f => ImageExtensions.Contains(Path.GetExtension(f))).Order(StringComparer.Ordinal)]
            : throw new CliException($"image folder '{Path.GetFullPath(directory)}' does not exist");

    private static List<DatasetImage> ScanSet(string root, string? category)
    {
        string classes = Directory.Exists(Path.Combine(root, TestFolder)) ? Path.Combine(root, TestFolder) : root;
        var images = new List<DatasetImage>();
        foreach (string kindDir in Directory.GetDirectories(classes).Order(StringComparer.Ordinal))
        {
            string kind = Path.GetFileName(kindDir);
            if (kind == GroundTruthFolder)
            {
                continue;
            }

            foreach (string file in Images(kindDir))
            {
                string? mask = null;
                if (kind != GoodFolder)
                {
                    string candidate = Path.Combine(root, GroundTruthFolder, kind, Path.GetFileNameWithoutExtension(file) + "_mask.png");
                    mask = File.Exists(candidate) ? candidate : null;
                }

                images.Add(new DatasetImage(file, kind, mask, category));
            }
        }

        int good = images.Count(i => !i.IsAnomalous);
        if (good == 0)
        {
            throw new CliException($"'{classes}' has no good images: put normal parts in '{Path.Combine(classes, GoodFolder)}' (MVTec layout: test/good, test/<defect>)");
        }

        if (good == images.Count)
        {
            throw new CliException($"'{classes}' has no anomalous images: put defective parts in '{Path.Combine(classes, "<defect>")}' next to '{GoodFolder}'");
        }

        return images;
    }
}
