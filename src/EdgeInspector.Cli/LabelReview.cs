using System.Globalization;
using System.Text.Json.Nodes;

namespace EdgeInspector.Cli;

/// <summary>
/// edge-inspector label: a person confirms or corrects the labels a collection round suggests.
/// Lists the suggestions nearest the threshold first; sets one image's label (moving the image and
/// its record to the label's folder under test/); or confirms the rest. Every change rewrites the
/// label records and the SHA-256 manifest, so the round stays verifiable.
/// </summary>
public sealed class LabelReview
{
    private readonly string _round;
    private readonly JsonArray _records;

    public LabelReview(string round)
    {
        _round = Path.GetFullPath(round);
        if (File.Exists(Path.Combine(_round, CollectionRound.StateFile)))
        {
            throw new CliException($"'{_round}' is still being collected; run edge-inspector collect again to finish it, then review its labels");
        }

        _records = LabelRecords.Read(_round);
    }

    /// <summary>The suggestions not yet confirmed, nearest the threshold (score 0.5) first; returns how many.</summary>
    public int List(TextWriter output)
    {
        var open = _records.Select(r => r!.AsObject()).Where(r => (bool)r["suggested"]!).OrderBy(r => Math.Abs((double)r["score"]! - 0.5)).ToList();
        foreach (var record in open)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(string)record["image_id"]!}  {(string)record["label"]!,-7}  score {(double)record["score"]!:0.000}  test/{LabelRecords.Folder((string)record["label"]!)}/"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{open.Count} of {_records.Count} labels are suggestions; set one with --image ID --label normal|anomaly|error, or accept them all with --confirm-rest"));
        return open.Count;
    }

    /// <summary>Sets (and confirms) one image's label, moving it to that label's folder.</summary>
    public void Set(string imageId, string label, string? description)
    {
        if (!LabelRecords.Labels.Contains(label))
        {
            throw new CliException($"label: --label '{label}' is not a label; use normal, anomaly or error");
        }

        var record = _records.Select(r => r!.AsObject()).FirstOrDefault(r => (string?)r["image_id"] == imageId)
            ?? throw new CliException($"label: no image '{imageId}' in {Path.Combine(_round, LabelRecords.Json)}; run label --round {_round} to list them");
        string from = Path.Combine(_round, "test", LabelRecords.Folder((string)record["label"]!));
        string to = Path.Combine(_round, "test", LabelRecords.Folder(label));
        if (from != to)
        {
            Directory.CreateDirectory(to);
            File.Move(Path.Combine(from, imageId), Path.Combine(to, imageId));
            string json = Path.ChangeExtension(imageId, ".json");
            File.Move(Path.Combine(from, json), Path.Combine(to, json));
        }

        record["label"] = label;
        record["suggested"] = false;
        if (description is not null)
        {
            record["description"] = description;
        }

        Save();
    }

    /// <summary>Confirms every remaining suggestion as it is; returns how many.</summary>
    public int ConfirmRest()
    {
        int confirmed = 0;
        foreach (var record in _records.Select(r => r!.AsObject()).Where(r => (bool)r["suggested"]!))
        {
            record["suggested"] = false;
            confirmed++;
        }

        Save();
        return confirmed;
    }

    private void Save()
    {
        LabelRecords.Write(_round, _records);
        CollectionRound.WriteManifest(_round);
    }
}
