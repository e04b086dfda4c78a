using System.Security.Cryptography;
using System.Text;
using EdgeInspector.Testing;
using EdgeInspector.Updates;

namespace EdgeInspector.Updates.Tests;

public sealed class TransferTests
{
    private static string Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    /// <summary>A package of two files (a.bin 700 bytes, model.onnx 900 bytes) and its offer in 256-byte chunks.</summary>
    private static (string Dir, PackageLayout Layout, UpdateOffer Offer) Package(TempDirectory root)
    {
        string dir = root.Combine("pkg");
        Directory.CreateDirectory(dir);
        byte[] a = [.. Enumerable.Range(0, 700).Select(i => (byte)i)];
        byte[] model = [.. Enumerable.Range(0, 900).Select(i => (byte)(i * 7))];
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), a);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), model);
        string files = "\"model.onnx\":{\"sha256\":\"" + Hex(model) + "\",\"bytes\":900},\"a.bin\":{\"sha256\":\"" + Hex(a) + "\",\"bytes\":700}";
        string manifest = "{\"format\":1,\"name\":\"m\",\"version\":2,\"backbone\":\"x\",\"input\":{\"width\":16,\"height\":16,\"resize\":\"area\"},\"files\":{" + files + "}}";
        byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest);
        var layout = PackageLayout.FromManifest(manifestBytes);
        return (dir, layout, new UpdateOffer("t1", manifestBytes, [], layout.TotalBytes, 256, (int)((layout.TotalBytes + 255) / 256)));
    }

    private static byte[] Chunk(string dir, PackageLayout layout, UpdateOffer offer, int index)
    {
        byte[] buffer = new byte[offer.ChunkLength(index)];
        layout.Read(dir, (long)index * offer.ChunkBytes, buffer);
        return buffer;
    }

    [Fact]
    public void Layout_concatenates_files_in_ordinal_name_order()
    {
        using var root = new TempDirectory();
        var (dir, layout, offer) = Package(root);
        Assert.Equal(["a.bin", "model.onnx"], layout.Files.Select(f => f.Name));
        Assert.Equal(1600, layout.TotalBytes);
        Assert.Equal(7, offer.ChunkCount);
        Assert.Equal(64, offer.ChunkLength(6));
        byte[] all = [.. Enumerable.Range(0, 7).SelectMany(i => Chunk(dir, layout, offer, i))];
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a.bin")).Concat(File.ReadAllBytes(Path.Combine(dir, "model.onnx"))), all);
    }

    [Fact]
    public void After_a_restart_only_the_missing_chunks_are_asked_for_and_a_tampered_chunk_is_refused()
    {
        using var root = new TempDirectory();
        var (dir, layout, offer) = Package(root);
        string staging = root.Combine("staging", "t1");
        using (var transfer = StagedTransfer.Create(staging, offer))
        {
            foreach (int i in new[] { 0, 2, 5 })
            {
                byte[] c = Chunk(dir, layout, offer, i);
                Assert.Equal(ChunkOutcome.Stored, transfer.Accept(i, c, Hex(c)));
            }

            byte[] good = Chunk(dir, layout, offer, 3);
            byte[] tampered = [.. good];
            tampered[10] ^= 0xFF;
            Assert.Equal(ChunkOutcome.BadHash, transfer.Accept(3, tampered, Hex(good)));
            Assert.Equal(ChunkOutcome.BadSize, transfer.Accept(6, good, Hex(good)));
            Assert.Equal(ChunkOutcome.BadIndex, transfer.Accept(7, good, Hex(good)));
            Assert.Equal(ChunkOutcome.Duplicate, transfer.Accept(0, Chunk(dir, layout, offer, 0), Hex(Chunk(dir, layout, offer, 0))));
            Assert.Equal([1, 3, 4, 6], transfer.Missing());
        }

        // A torn record from a power cut is ignored.
        File.AppendAllText(Path.Combine(staging, StagedTransfer.LogFile), "\u0001");
        using var resumed = StagedTransfer.Open(staging)!;
        Assert.Equal(3, resumed.Received);
        var state = new UpdateState("t1", UpdatePhase.Receiving, offer.ChunkCount, resumed.Received, resumed.Bitmap, null, "m", 2);
        var wire = UpdateState.Parse(state.ToJson());
        Assert.Equal([1, 3, 4, 6], wire.Missing());

        foreach (int i in wire.Missing())
        {
            byte[] c = Chunk(dir, layout, offer, i);
            Assert.Equal(ChunkOutcome.Stored, resumed.Accept(i, c, Hex(c)));
        }

        Assert.True(resumed.Complete);
        var store = new ModelStore(root.Combine("state"));
        string installed = store.Install(resumed, layout);
        Assert.Equal(store.PackageDirectory("m", 2), installed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "model.onnx")), File.ReadAllBytes(Path.Combine(installed, "model.onnx")));
        Assert.Equal(offer.Manifest, File.ReadAllBytes(Path.Combine(installed, "manifest.json")));
    }

    [Fact]
    public void Install_refuses_bytes_that_do_not_match_the_signed_manifest_and_leaves_nothing_behind()
    {
        using var root = new TempDirectory();
        var (dir, layout, offer) = Package(root);
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), new byte[900]);
        using var transfer = StagedTransfer.Create(root.Combine("staging", "t1"), offer);
        for (int i = 0; i < offer.ChunkCount; i++)
        {
            byte[] c = Chunk(dir, layout, offer, i);
            transfer.Accept(i, c, Hex(c));
        }

        var store = new ModelStore(root.Combine("state"));
        var e = Assert.Throws<UpdateException>(() => store.Install(transfer, layout));
        Assert.Contains("'model.onnx' has SHA-256", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(store.ModelsDirectory));
    }

    [Fact]
    public void Pointer_is_replaced_atomically_and_read_back()
    {
        using var root = new TempDirectory();
        var store = new ModelStore(root.Path);
        Assert.Null(store.ReadPointer());
        store.WritePointer(new ModelPointer(store.PackageDirectory("m", 2), "/opt/engines/m"));
        Assert.Equal(new ModelPointer(store.PackageDirectory("m", 2), "/opt/engines/m"), store.ReadPointer());
        Assert.Equal([store.PointerPath], Directory.GetFiles(store.ModelsDirectory));
    }

    [Theory]
    [InlineData("{\"transfer_id\":\"a/b\",\"manifest\":\"\",\"signature\":\"\",\"total_bytes\":10,\"chunk_bytes\":256,\"chunk_count\":1}", "transfer_id")]
    [InlineData("{\"transfer_id\":\"a\",\"manifest\":\"\",\"signature\":\"\",\"total_bytes\":10,\"chunk_bytes\":200000,\"chunk_count\":1}", "chunk_bytes")]
    [InlineData("{\"transfer_id\":\"a\",\"manifest\":\"\",\"signature\":\"\",\"total_bytes\":1000,\"chunk_bytes\":256,\"chunk_count\":1}", "chunk_count")]
    [InlineData("not json", "not valid JSON")]
    public void Malformed_offers_are_refused_with_the_reason(string json, string reason)
    {
        var e = Assert.Throws<UpdateException>(() => UpdateOffer.Parse(Encoding.UTF8.GetBytes(json)));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_file_names_that_leave_the_package_are_refused()
    {
        string manifest = "{\"format\":1,\"name\":\"m\",\"version\":2,\"files\":{\"model.onnx\":{\"sha256\":\"" + new string('a', 64) + "\",\"bytes\":1},\"../x\":{\"sha256\":\"" + new string('a', 64) + "\",\"bytes\":1}}}";
        var e = Assert.Throws<UpdateException>(() => PackageLayout.FromManifest(Encoding.UTF8.GetBytes(manifest)));
        Assert.Contains("'../x'", e.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void A_gigabyte_in_256_byte_chunks_is_refused_naming_the_chunk_size_that_fits_and_the_largest_state_stays_small()
    {
        long gib = 1L << 30;
        string json = "{\"transfer_id\":\"a\",\"manifest\":\"\",\"signature\":\"\",\"total_bytes\":" + gib + ",\"chunk_bytes\":256,\"chunk_count\":" + (gib / 256) + "}";

        var e = Assert.Throws<UpdateException>(() => UpdateOffer.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("4194304 chunks, a transfer takes at most 65536: push with --chunk-bytes 16384 or more", e.Message, StringComparison.Ordinal);
        var largest = new UpdateState("a", UpdatePhase.Receiving, UpdateOffer.MaxChunkCount, 0, ChunkBitmap.Encode(new bool[UpdateOffer.MaxChunkCount]), null, "m", 2);
        Assert.InRange(largest.ToJson().Length, 1, 12 * 1024);
    }

    [Fact]
    public void A_total_near_2_pow_63_cannot_wrap_into_a_small_chunk_count()
    {
        // (2^32 + 1) chunks of 256 bytes: cast to int the count was 1.
        long total = ((1L << 32) * 256) + 1;
        string json = "{\"transfer_id\":\"a\",\"manifest\":\"\",\"signature\":\"\",\"total_bytes\":" + total + ",\"chunk_bytes\":256,\"chunk_count\":1}";

        var e = Assert.Throws<UpdateException>(() => UpdateOffer.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.Contains("a transfer takes at most 65536", e.Message, StringComparison.Ordinal);
        Assert.Contains("total_bytes -5 must be a positive byte count", Assert.Throws<UpdateException>(() => UpdateOffer.Parse("{\"transfer_id\":\"a\",\"manifest\":\"\",\"signature\":\"\",\"total_bytes\":-5,\"chunk_bytes\":256,\"chunk_count\":1}"u8)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_sizes_that_add_up_past_2_pow_63_are_refused_not_wrapped_under_the_limit()
    {
        string Entry(string name, long bytes) => "\"" + name + "\":{\"sha256\":\"" + new string('a', 64) + "\",\"bytes\":" + bytes + "}";
        // Unchecked, these three wrap to a total of 1 byte.
        string manifest = "{\"format\":1,\"name\":\"m\",\"version\":2,\"files\":{" + Entry("a.bin", long.MaxValue) + "," + Entry("b.bin", long.MaxValue) + "," + Entry("model.onnx", 3) + "}}";

        var e = Assert.Throws<UpdateException>(() => PackageLayout.FromManifest(Encoding.UTF8.GetBytes(manifest)));

        Assert.Contains("sizes add up past 9223372036854775807 bytes", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("model.onnx\\u0000.sh", "\\u0000")]
    [InlineData("golden/a\\nb.png", "\\u000a")]
    public void Manifest_file_names_with_a_control_character_are_refused(string jsonName, string shown)
    {
        string manifest = "{\"format\":1,\"name\":\"m\",\"version\":2,\"files\":{\"model.onnx\":{\"sha256\":\"" + new string('a', 64) + "\",\"bytes\":1},\"" + jsonName + "\":{\"sha256\":\"" + new string('a', 64) + "\",\"bytes\":1}}}";

        var e = Assert.Throws<UpdateException>(() => PackageLayout.FromManifest(Encoding.UTF8.GetBytes(manifest)));

        Assert.Contains("has a control character", e.Message, StringComparison.Ordinal);
        Assert.Contains(shown, e.Message, StringComparison.Ordinal);
    }
}
