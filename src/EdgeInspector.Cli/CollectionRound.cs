using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace EdgeInspector.Cli;

/// <summary>
/// One collection round on the workstation: <c>OUT/&lt;yyyyMMdd&gt;_V&lt;nn&gt;_&lt;description&gt;/</c>
/// in MVTec layout, so eval and the trainer read it as it is: each image under <c>test/good/</c>,
/// <c>test/ng/</c> or <c>test/error/</c> by the device's verdict (with its device record), label records
/// (labels.csv, labels.json: the device's verdict as the suggested label, for a person to confirm)
/// and dataset-manifest.json, the SHA-256 manifest the trainer verifies. While a round is being
/// collected it holds <see cref="StateFile"/>; a rerun for the same device resumes it.
/// </summary>
public sealed partial class CollectionRound
{
    public const string StateFile = ".collect-state.json";
    public const string Manifest = "dataset-manifest.json";

    /// <summary>Files the trainer writes itself and leaves out of its manifest (datasets.py GENERATED).</summary>
    private static readonly string[] Generated = [Manifest, "meta.json", "meta_train.json", "meta_test.json"];

    private CollectionRound(string directory, string device, string description)
    {
        Directory = directory;
        Device = device;
        Description = description;
    }

    public string Directory { get; }

    public string Device { get; }

    public string Description { get; }

    public string Name => Path.GetFileName(Directory);

    [GeneratedRegex(@"^(\d{8})_V(\d+)(_|$)")]
    private static partial Regex RoundName();

    [GeneratedRegex("[^A-Za-z0-9_-]+")]
    private static partial Regex Unsafe();

    /// <summary>
    /// The unfinished round of <paramref name="device"/> under <paramref name="root"/> (resumed), or
    /// a new one named with today's date and the next free version number.
    /// </summary>
    public static CollectionRound OpenOrCreate(string root, string device, string description, DateTimeOffset today)
    {
        System.IO.Directory.CreateDirectory(root);
        if (FindUnfinished(root, device) is { } unfinished)
        {
            return unfinished;
        }

        var rounds = Rounds(root);
        int next = rounds.Select(d => int.Parse(RoundName().Match(Path.GetFileName(d)).Groups[2].Value, CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max() + 1;
        string slug = Unsafe().Replace(description.Trim(), "-").Trim('-');
        string name = string.Create(CultureInfo.InvariantCulture, $"{today:yyyyMMdd}_V{next:00}") + (slug.Length > 0 ? "_" + slug : "");
        var round = new CollectionRound(Path.Combine(root, name), device, description);
        System.IO.Directory.CreateDirectory(round.Directory);
        File.WriteAllText(Path.Combine(round.Directory, StateFile), new JsonObject { ["device"] = device, ["description"] = description }.ToJsonString());
        return round;
    }

    /// <summary>Whether <paramref name="device"/> has a round under <paramref name="root"/> that a rerun resumes.</summary>
    public static bool Unfinished(string root, string device) => System.IO.Directory.Exists(root) && FindUnfinished(root, device) is not null;

    private static List<string> Rounds(string root) =>
        [.. System.IO.Directory.EnumerateDirectories(root).Where(d => RoundName().IsMatch(Path.GetFileName(d))).Order(StringComparer.Ordinal)];

    private static CollectionRound? FindUnfinished(string root, string device)
    {
        foreach (string existing in Rounds(root).AsEnumerable().Reverse())
        {
            string state = Path.Combine(existing, StateFile);
            if (File.Exists(state) && JsonNode.Parse(File.ReadAllText(state)) is JsonObject s && (string?)s["device"] == device)
            {
                return new CollectionRound(existing, device, (string?)s["description"] ?? "");
            }
        }

        return null;
    }

    /// <summary>Capture ids already collected and verified in the finished rounds under <paramref name="root"/>.</summary>
    public static HashSet<string> Collected(string root)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        if (!System.IO.Directory.Exists(root))
        {
            return ids;
        }

        foreach (string round in Rounds(root).Where(d => !File.Exists(Path.Combine(d, StateFile))))
        {
            string labels = Path.Combine(round, "labels.json");
            if (File.Exists(labels) && JsonNode.Parse(File.ReadAllText(labels))?["records"] is JsonArray records)
            {
                ids.UnionWith(records.Select(r => Path.GetFileNameWithoutExtension((string?)r?["image_id"] ?? "")));
            }
        }

        return ids;
    }

    /// <summary>Where a part's image goes: test/good, test/ng or test/error by the device's verdict (OK, NG, ERROR).</summary>
    public string ImagePath(string verdict, string imageFile) => Path.Combine(Directory, "test", LabelRecords.Folder(LabelRecords.FromVerdict(verdict)), imageFile);

    /// <summary>
    /// Finishes the round: label records from the device records of every image in it, the SHA-256
    /// manifest over every file, and the state file removed. Returns the number of images.
    /// </summary>
    public int Finish()
    {
        var records = new JsonArray();
        foreach (string recordPath in System.IO.Directory.EnumerateFiles(Path.Combine(Directory, "test"), "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var record = JsonNode.Parse(File.ReadAllText(recordPath))!.AsObject();
            var verdict = record["verdict"]!.AsObject();
            string imageId = (string)record["image"]!;
            string label = LabelRecords.FromVerdict((string?)verdict["verdict"]);
            double score = (double)verdict["score"]!;
            int? version = (int?)verdict["model"]?["version"];
            records.Add(new JsonObject
            {
                ["image_id"] = imageId,
                ["label"] = label,
                ["description"] = Description,
                ["score"] = score,
                ["model_version"] = version,
                ["suggested"] = true,
            });
        }

        LabelRecords.Write(Directory, records);
        File.Delete(Path.Combine(Directory, StateFile));
        WriteManifest(Directory);
        return records.Count;
    }

    /// <summary>dataset-manifest.json as the trainer's hash-dataset writes it: every file but the generated ones, with SHA-256 and size.</summary>
    public static void WriteManifest(string directory)
    {
        var files = new JsonObject();
        foreach (string file in System.IO.Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !Generated.Contains(Path.GetFileName(f)))
            .OrderBy(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            files[Path.GetRelativePath(directory, file).Replace('\\', '/')] = new JsonObject
            {
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(stream)),
                ["bytes"] = stream.Length,
            };
        }

        File.WriteAllText(Path.Combine(directory, Manifest), new JsonObject { ["format"] = 1, ["files"] = files }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
