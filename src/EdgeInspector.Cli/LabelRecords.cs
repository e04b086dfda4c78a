using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInspector.Cli;

/// <summary>
/// A round's label records, labels.csv and labels.json (the trainer reads either): image_id, label
/// (the trainer's normal, anomaly or error), description, score, model_version, and suggested
/// (true while the label is the device's verdict, false once a person confirmed or corrected it).
/// </summary>
public static class LabelRecords
{
    public const string Json = "labels.json";
    public const string Csv = "labels.csv";

    public static readonly string[] Labels = ["normal", "anomaly", "error"];

    /// <summary>The label a device verdict (OK, NG, ERROR) suggests.</summary>
    public static string FromVerdict(string? verdict) => verdict switch
    {
        "OK" => "normal",
        "NG" => "anomaly",
        _ => "error",
    };

    /// <summary>The folder under test/ that holds an image of this label, so eval and the trainer read the label from where the image is.</summary>
    public static string Folder(string label) => label switch
    {
        "normal" => "good",
        "anomaly" => "ng",
        _ => "error",
    };

    public static JsonArray Read(string round)
    {
        string path = Path.Combine(round, Json);
        return File.Exists(path) && JsonNode.Parse(File.ReadAllText(path))?["records"] is JsonArray records
            ? records
            : throw new CliException($"'{Path.GetFullPath(path)}' does not exist or has no records: --round must be a round written by edge-inspector collect");
    }

    public static void Write(string round, JsonArray records)
    {
        var csv = new StringBuilder("image_id,label,description,score,model_version,suggested\n");
        foreach (var record in records)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{record!["image_id"]},{record["label"]},{Quoted((string?)record["description"] ?? "")},{(double)record["score"]!:R},{record["model_version"]},{((bool)record["suggested"]! ? "true" : "false")}\n");
        }

        File.WriteAllText(Path.Combine(round, Csv), csv.ToString());
        File.WriteAllText(Path.Combine(round, Json), new JsonObject { ["records"] = records.DeepClone() }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private static string Quoted(string text) => text.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
}
