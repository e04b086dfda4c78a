using System.Text.Json;
using System.Text.Json.Nodes;

namespace EdgeInspector.Updates;

/// <summary>The <c>models/current</c> pointer: the package that serves, and the one to roll back to.</summary>
public sealed record ModelPointer(string Current, string? Previous);

/// <summary>
/// The device's update state under the agent's state directory (Agent:StateDirectory): staging/{transferId} for transfers in
/// flight, models/{name}-v{version} for installed packages, models/current for the pointer.
/// </summary>
public sealed class ModelStore(string stateDirectory)
{
    public const string PointerFileName = "current";

    public string StateDirectory { get; } = Path.GetFullPath(stateDirectory);

    public string ModelsDirectory => Path.Combine(StateDirectory, "models");

    public string StagingRoot => Path.Combine(StateDirectory, "staging");

    public string PointerPath => Path.Combine(ModelsDirectory, PointerFileName);

    public string StagingDirectory(string transferId) => Path.Combine(StagingRoot, transferId);

    public string PackageDirectory(string name, int version) => Path.Combine(ModelsDirectory, $"{name}-v{version}");

    public ModelPointer? ReadPointer() => ReadPointer(PointerPath);

    /// <summary>Reads a pointer file; relative paths in it are relative to its folder. Null when absent or unreadable.</summary>
    public static ModelPointer? ReadPointer(string pointerPath)
    {
        if (!File.Exists(pointerPath))
        {
            return null;
        }

        try
        {
            var o = JsonNode.Parse(File.ReadAllBytes(pointerPath))?.AsObject();
            string? current = (string?)o?["current"];
            if (string.IsNullOrEmpty(current))
            {
                return null;
            }

            string folder = Path.GetDirectoryName(Path.GetFullPath(pointerPath))!;
            string? previous = (string?)o!["previous"];
            return new ModelPointer(Path.GetFullPath(current, folder), string.IsNullOrEmpty(previous) ? null : Path.GetFullPath(previous, folder));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or IOException)
        {
            return null;
        }
    }

    /// <summary>Whether the package in <paramref name="directory"/> has exactly this manifest.json (and so exactly these files).</summary>
    public static bool HasManifest(string directory, ReadOnlySpan<byte> manifest)
    {
        string path = Path.Combine(directory, "manifest.json");
        try
        {
            return File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(manifest);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Replaces the pointer atomically (temp file, fsync, rename).</summary>
    public void WritePointer(ModelPointer pointer)
    {
        Directory.CreateDirectory(ModelsDirectory);
        AtomicFile.Write(PointerPath, JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["current"] = pointer.Current,
            ["previous"] = pointer.Previous,
        }));
    }

    /// <summary>
    /// Turns a complete transfer into models/{name}-v{version}: every file is written into a
    /// hidden folder beside it, hashed against the signed manifest and fsynced, then the folder is
    /// renamed into place. Returns the package folder.
    /// </summary>
    public string Install(StagedTransfer transfer, PackageLayout layout)
    {
        Directory.CreateDirectory(ModelsDirectory);
        string target = PackageDirectory(layout.Manifest.Name, layout.Manifest.Version);
        string temp = Path.Combine(ModelsDirectory, $".{Path.GetFileName(target)}.{transfer.Offer.TransferId}.partial");
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp, recursive: true);
        }

        Directory.CreateDirectory(temp);
        try
        {
            layout.Extract(transfer.DataPath, temp);
            AtomicFile.Write(Path.Combine(temp, "manifest.json"), transfer.Offer.Manifest);
            AtomicFile.Write(Path.Combine(temp, PackageSignature.FileName), transfer.Offer.Signature);
            if (Directory.Exists(target))
            {
                // Same name and version again (e.g. re-sent after a rejected self-test): the new copy wins.
                // Hidden, so a kill before the delete leaves a leftover that RemoveInterrupted recognises.
                string old = Path.Combine(ModelsDirectory, $".{Path.GetFileName(target)}.{transfer.Offer.TransferId}.old");
                Directory.Move(target, old);
                Directory.Delete(old, recursive: true);
            }

            // The extracted files' names, then the rename, then models/ itself must reach the disk.
            DirectorySync.FlushTree(temp);
            Directory.Move(temp, target);
            DirectorySync.Flush(ModelsDirectory);
            DirectorySync.Flush(StateDirectory);
            return target;
        }
        catch
        {
            Directory.Delete(temp, recursive: true);
            throw;
        }
    }

    /// <summary>Removes installed packages other than the ones named (current and previous), and leftovers of interrupted installs.</summary>
    public void Prune(params string?[] keep)
    {
        if (!Directory.Exists(ModelsDirectory))
        {
            return;
        }

        var kept = keep.Where(k => k is not null).Select(k => Path.GetFullPath(k!)).ToHashSet(StringComparer.Ordinal);
        foreach (string dir in Directory.GetDirectories(ModelsDirectory))
        {
            if (!kept.Contains(Path.GetFullPath(dir)))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>
    /// After a restart: removes what an interrupted install or activation left in models/ (hidden
    /// .partial and .old folders, temp files, packages the pointer names neither as current nor as
    /// previous), keeping <paramref name="configured"/>. When a pointer exists but cannot be read,
    /// only the hidden leftovers go: no package is deleted on the word of a damaged pointer.
    /// </summary>
    public void RemoveInterrupted(string configured)
    {
        if (!Directory.Exists(ModelsDirectory))
        {
            return;
        }

        foreach (string file in Directory.GetFiles(ModelsDirectory, ".*.tmp"))
        {
            File.Delete(file);
        }

        if (ReadPointer() is { } pointer)
        {
            Prune(pointer.Current, pointer.Previous, configured);
        }
        else if (!File.Exists(PointerPath))
        {
            Prune(configured);
        }
        else
        {
            foreach (string dir in Directory.GetDirectories(ModelsDirectory, ".*"))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    /// <summary>Removes staging folders other than <paramref name="keepTransferId"/>.</summary>
    public void ClearStaging(string? keepTransferId = null)
    {
        if (!Directory.Exists(StagingRoot))
        {
            return;
        }

        foreach (string dir in Directory.GetDirectories(StagingRoot))
        {
            if (Path.GetFileName(dir) != keepTransferId)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
