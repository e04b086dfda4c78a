using System.Security.Cryptography;
using System.Text.Json;
using EdgeInspector.Core;

namespace EdgeInspector.Updates;

/// <summary>
/// How a package travels: the bytes of every file the manifest lists, in ordinal order of the
/// file names, one after the other. manifest.json and manifest.sig travel in the offer.
/// </summary>
public sealed class PackageLayout
{
    private PackageLayout(ModelManifest manifest, IReadOnlyList<(string Name, PackageFile File, long Offset)> files)
    {
        Manifest = manifest;
        Files = files;
        TotalBytes = files.Count == 0 ? 0 : files[^1].Offset + files[^1].File.Bytes;
    }

    public ModelManifest Manifest { get; }

    public IReadOnlyList<(string Name, PackageFile File, long Offset)> Files { get; }

    public long TotalBytes { get; }

    /// <summary>Parses the manifest bytes; throws <see cref="UpdateException"/> on anything a device must not act on.</summary>
    public static PackageLayout FromManifest(ReadOnlySpan<byte> manifestJson)
    {
        ModelManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(manifestJson, ManifestJson.Default.ModelManifest) ?? throw new UpdateException("manifest.json is empty");
        }
        catch (JsonException e)
        {
            throw new UpdateException($"manifest.json is not valid JSON ({e.Message})", e);
        }

        if (string.IsNullOrWhiteSpace(manifest.Name) || manifest.Name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            throw new UpdateException($"manifest name '{manifest.Name}' must be letters, digits, '-', '_' or '.'");
        }

        if (manifest.Version < 1)
        {
            throw new UpdateException("manifest version must be a positive integer");
        }

        if (!manifest.Files.ContainsKey(ModelPackage.ModelFileName))
        {
            throw new UpdateException($"manifest does not list {ModelPackage.ModelFileName}");
        }

        var files = new List<(string, PackageFile, long)>();
        long offset = 0;
        foreach (var (name, file) in manifest.Files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (name.Any(char.IsControl))
            {
                throw new UpdateException($"manifest file name '{Printable(name)}' has a control character (NUL, newline, ...); name files with printable characters only");
            }

            if (name.Length == 0 || Path.IsPathRooted(name) || name.Split('/', '\\').Any(p => p is "" or "." or "..") || name is ModelPackage.ManifestFileName or PackageSignature.FileName)
            {
                throw new UpdateException($"manifest file name '{name}' is not a plain relative path inside the package");
            }

            if (file.Sha256 is not { Length: 64 } || file.Bytes < 0)
            {
                throw new UpdateException($"manifest entry '{name}' needs a 64-digit sha256 and a size");
            }

            files.Add((name, file, offset));
            try
            {
                offset = checked(offset + file.Bytes);
            }
            catch (OverflowException)
            {
                // Unchecked, the sizes would wrap into a small total and slip under Updates:MaxPackageBytes.
                throw new UpdateException($"manifest file sizes add up past {long.MaxValue} bytes (at '{name}'); list each file's real size");
            }
        }

        return new PackageLayout(manifest, files);
    }

    /// <summary>A file name as a log and a reply can show it: control characters as \uXXXX.</summary>
    private static string Printable(string name) => string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    /// <summary>Reads bytes [offset, offset + buffer.Length) of the concatenated files of a package folder.</summary>
    public void Read(string packageDirectory, long offset, Span<byte> buffer)
    {
        int done = 0;
        foreach (var (name, file, start) in Files)
        {
            long end = start + file.Bytes;
            if (done == buffer.Length)
            {
                break;
            }

            long at = offset + done;
            if (at >= end || file.Bytes == 0)
            {
                continue;
            }

            using var handle = File.OpenHandle(Path.Combine(packageDirectory, name));
            int want = (int)Math.Min(buffer.Length - done, end - at);
            int read = 0;
            while (read < want)
            {
                int n = RandomAccess.Read(handle, buffer.Slice(done + read, want - read), at - start + read);
                if (n == 0)
                {
                    throw new UpdateException($"'{name}' is shorter than the manifest says ({file.Bytes} bytes)");
                }

                read += n;
            }

            done += want;
        }

        if (done != buffer.Length)
        {
            throw new UpdateException("read past the end of the package");
        }
    }

    /// <summary>
    /// Splits the received stream into the package's files under <paramref name="directory"/>,
    /// hashing as it writes and fsyncing each file; throws naming the first file whose SHA-256
    /// does not match the signed manifest.
    /// </summary>
    public void Extract(string dataPath, string directory)
    {
        using var data = File.OpenRead(dataPath);
        if (data.Length != TotalBytes)
        {
            throw new UpdateException($"received {data.Length} bytes, the manifest lists {TotalBytes}");
        }

        byte[] buffer = new byte[81920];
        foreach (var (name, file, _) in Files)
        {
            string path = Path.Combine(directory, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                long left = file.Bytes;
                while (left > 0)
                {
                    int n = data.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                    if (n == 0)
                    {
                        throw new UpdateException($"received data ends inside '{name}'");
                    }

                    hash.AppendData(buffer, 0, n);
                    output.Write(buffer, 0, n);
                    left -= n;
                }

                output.Flush(flushToDisk: true);
            }

            string actual = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(actual, file.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                throw new UpdateException($"'{name}' has SHA-256 {actual}, the signed manifest says {file.Sha256} (the package was changed after signing)");
            }
        }
    }
}
