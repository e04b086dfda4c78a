using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using EdgeInspector.Updates;

namespace EdgeInspector.Agent.Tests;

/// <summary>One generated message: where it goes, what it carries, and how it asks for an answer.</summary>
internal sealed record HostileMessage(string Kind, string Topic, byte[] Payload, string? ResponseTopic, bool AtLeastOnce, IReadOnlyList<(string Name, string Value)> UserProperties);

/// <summary>
/// Seeded generator of what an attacker or a broken client sends to a device's subscribed topics
/// (cmd/+, model/offer, model/chunk/+/+): duplicate keys, invalid JSON and UTF-8, deep nesting,
/// huge numbers, wrong types, unknown commands, forbidden and missing response topics, absurd
/// offers and chunk indices, path-traversal and NUL names, and a few 1-10 MB payloads. The same
/// seed gives the same messages, so a failure replays.
/// </summary>
internal sealed class HostileMessages
{
    private static readonly string[] Commands = ["status", "set-threshold", "enroll", "snapshot", "rollback"];
    private static readonly string[] HugeNumbers = ["1e400", "-1e400", "99999999999999999999999999999999", "-1", "0", "2147483648", "-2147483649", "1.7976931348623157e309", "0.1e-400", "-0"];
    private static readonly int[] BigPayloadMegabytes = [1, 3, 6, 10];

    private readonly Random _random;
    private readonly string _device;
    private readonly ECDsa _trusted;
    private readonly ECDsa _stranger;

    /// <param name="trusted">The device's trusted key: a few hostile manifests are signed with it, so the checks behind the signature run too.</param>
    public HostileMessages(int seed, string root, string deviceId, ECDsa trusted, ECDsa stranger)
    {
        _random = new Random(seed);
        _device = $"{root}/{deviceId}";
        _trusted = trusted;
        _stranger = stranger;
    }

    /// <summary><paramref name="count"/> messages, <see cref="BigPayloadMegabytes"/> of them megabytes large, spread through the rest.</summary>
    public List<HostileMessage> Generate(int count)
    {
        var messages = new List<HostileMessage>(count);
        for (int i = 0; i < count - BigPayloadMegabytes.Length; i++)
        {
            messages.Add(_random.Next(10) switch
            {
                < 5 => Command(),
                < 7 => Offer(),
                _ => Chunk(),
            });
        }

        foreach (int megabytes in BigPayloadMegabytes)
        {
            messages.Insert(_random.Next(messages.Count), Big(megabytes));
        }

        return messages;
    }

    private HostileMessage Big(int megabytes)
    {
        string[] topics = [$"{_device}/cmd/status", $"{_device}/model/offer", $"{_device}/model/chunk/t1/0", $"{_device}/cmd/enroll"];
        byte[] payload = new byte[megabytes * 1024 * 1024];
        _random.NextBytes(payload);
        if (_random.Next(2) == 0)
        {
            // A JSON object megabytes long: what a parser would try to hold whole.
            payload[0] = (byte)'{';
            payload.AsSpan(1).Fill((byte)' ');
            payload[^1] = (byte)'}';
        }

        return new HostileMessage($"{megabytes} MB", Pick(topics), payload, ReplyTopic(), true, []);
    }

    private HostileMessage Command()
    {
        string name = _random.Next(6) == 0 ? CommandName() : Pick(Commands);
        byte[] payload = _random.Next(5) switch
        {
            0 => Encoding.UTF8.GetBytes(DuplicateKeys(name)),
            1 => BrokenBytes(),
            2 => Encoding.UTF8.GetBytes(WrongFields(name)),
            3 => Encoding.UTF8.GetBytes(Nested(_random.Next(2, 5000))),
            _ => Padding(_random.Next(10) == 0 ? _random.Next(0, 300_000) : _random.Next(0, 2000)),
        };
        string kind = name.StartsWith("unknown-", StringComparison.Ordinal) ? "cmd/unknown-n" : name.Length > 20 ? "cmd/(long name)" : "cmd/" + name;
        return new HostileMessage(kind, $"{_device}/cmd/{name}", payload, ReplyTopic(), _random.Next(2) == 0, []);
    }

    private string CommandName() => _random.Next(7) switch
    {
        0 => "STATUS",
        1 => "..",
        2 => "status\u202e",
        3 => new string('x', _random.Next(65, 2000)),
        4 => "enroll%00",
        5 => "r\u00f6llback",
        _ => "unknown-" + _random.Next(1000).ToString(CultureInfo.InvariantCulture),
    };

    private string DuplicateKeys(string command) => _random.Next(4) switch
    {
        0 => """{"parts":5,"parts":6}""",
        1 => """{"image_threshold":0.2,"image_threshold":0.9}""",
        2 => """{"x":{"k":1,"k":2}}""",
        _ => "{\"" + Field(command) + "\":1,\"" + Field(command) + "\":" + Pick(HugeNumbers) + "}",
    };

    private byte[] BrokenBytes() => _random.Next(8) switch
    {
        0 => "{"u8.ToArray(),
        1 => "}{"u8.ToArray(),
        2 => [(byte)'{', (byte)'"', (byte)'k', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}'],
        3 => [0xFF, 0xFE, 0xFD],
        4 => [(byte)'{', (byte)'"', 0xC0, 0xAF, (byte)'"', (byte)':', (byte)'1', (byte)'}'],
        5 => "{\"parts\":5}\u0000{\"parts\":6}"u8.ToArray(),
        6 => "null"u8.ToArray(),
        _ => RandomBytes(_random.Next(1, 4096)),
    };

    private string WrongFields(string command)
    {
        string field = Field(command);
        return _random.Next(9) switch
        {
            0 => $"{{\"{field}\":{Pick(HugeNumbers)}}}",
            1 => $"{{\"{field}\":\"5\"}}",
            2 => $"{{\"{field}\":[5]}}",
            3 => $"{{\"{field}\":true}}",
            4 => $"{{\"{field}\":null,\"unknown\":1}}",
            5 => "[]",
            6 => "\"x\"",
            7 => "{\"target\":-1,\"nonce\":\"" + new string('0', 32) + "\"}",
            _ => "{\"command\":\"" + Convert.ToBase64String(RandomBytes(64)) + "\",\"alg\":\"ES256\",\"key_id\":\"x\",\"signature\":\"AAAA\"}",
        };
    }

    private static string Field(string command) => command switch
    {
        "enroll" => "parts",
        "set-threshold" => "image_threshold",
        "rollback" => "target",
        _ => "pad",
    };

    private static string Nested(int depth) => depth % 2 == 0
        ? new string('[', depth) + new string(']', depth)
        : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

    private byte[] Padding(int bytes) => Encoding.UTF8.GetBytes("{\"pad\":\"" + new string('x', bytes) + "\"}");

    private string? ReplyTopic() => _random.Next(10) switch
    {
        < 3 => null,
        3 => $"{_device}/verdict",
        4 => $"{_device}/model/state",
        5 => $"{_device}/cmd/status",
        6 => "edgeinspector/other/verdict",
        7 => "fuzz/replies/" + new string('r', _random.Next(1, 700)),
        8 => "$SYS/broker/fuzz",
        _ => $"{_device}/reply/fuzz",
    };

    private HostileMessage Offer()
    {
        var offer = new JsonObject
        {
            ["transfer_id"] = _random.Next(5) switch
            {
                0 => "../../etc",
                1 => "a\u0000b",
                2 => new string('t', 1000),
                3 => "",
                _ => "t" + _random.Next(100).ToString(CultureInfo.InvariantCulture),
            },
        };
        byte[] manifest = HostileManifest();
        offer["manifest"] = _random.Next(8) == 0 ? "not base64 !!" : Convert.ToBase64String(manifest);
        offer["signature"] = _random.Next(4) switch
        {
            0 => Convert.ToBase64String(PackageSigning.Sign(manifest, _trusted).ToBytes()),
            1 => Convert.ToBase64String(PackageSigning.Sign(manifest, _stranger).ToBytes()),
            2 => Convert.ToBase64String(RandomBytes(70)),
            _ => null,
        };
        offer["total_bytes"] = JsonNode.Parse(Pick(["9223372036854775807", "-1", "0", "1e30", "1073741824", "900", "4294967552"]));
        offer["chunk_bytes"] = JsonNode.Parse(Pick(["0", "-5", "256", "2147483647", "131072", "1.5"]));
        offer["chunk_count"] = JsonNode.Parse(Pick(["1", "-1", "4194304", "2147483647", "4"]));
        string json = offer.ToJsonString();
        if (_random.Next(6) == 0)
        {
            json = json.Replace("{\"transfer_id\"", "{\"transfer_id\":\"dup\",\"transfer_id\"", StringComparison.Ordinal);
        }

        return new HostileMessage("offer", $"{_device}/model/offer", Encoding.UTF8.GetBytes(json), null, _random.Next(2) == 0, []);
    }

    /// <summary>A manifest every device must refuse: names that leave the package or carry NUL, sizes that overflow, versions and names out of range.</summary>
    private byte[] HostileManifest()
    {
        string sha = new('a', 64);
        string Entry(string name, string bytes) => $"\"{name}\":{{\"sha256\":\"{sha}\",\"bytes\":{bytes}}}";
        string files = _random.Next(7) switch
        {
            0 => Entry("model.onnx", "1") + "," + Entry("../../../tmp/evil", "1"),
            1 => Entry("model.onnx", "1") + "," + Entry("golden/a\\u0000.png", "1"),
            2 => Entry("model.onnx", "9223372036854775807") + "," + Entry("x.bin", "9223372036854775807") + "," + Entry("y.bin", "3"),
            3 => Entry("/etc/passwd", "1") + "," + Entry("model.onnx", "1"),
            4 => Entry("model.onnx", "-1"),
            5 => Entry("manifest.json", "1") + "," + Entry("model.onnx", "1"),
            _ => Entry("model.onnx", "1") + "," + Entry("golden\\\\..\\\\..\\\\x", "1"),
        };
        string name = _random.Next(4) == 0 ? "../texture-baseline" : "texture-baseline";
        string version = Pick(["0", "-1", "2147483648", "99"]);
        return Encoding.UTF8.GetBytes($"{{\"format\":1,\"name\":\"{name}\",\"version\":{version},\"files\":{{{files}}}}}");
    }

    private HostileMessage Chunk()
    {
        string transfer = Pick(["t1", "..", "t" + _random.Next(100).ToString(CultureInfo.InvariantCulture), "%2e%2e", new string('c', 300)]);
        string index = Pick(["-1", "2147483648", "99999999999", "abc", "0x10", "1e3", "0", "3", "007", " 1"]);
        var properties = new List<(string, string)>();
        if (_random.Next(2) == 0)
        {
            properties.Add(("sha256", _random.Next(2) == 0 ? Convert.ToHexStringLower(RandomBytes(32)) : "zz"));
        }

        if (_random.Next(3) == 0)
        {
            properties.Add(("index", Pick(["0", "7", "-1"])));
        }

        return new HostileMessage("chunk", $"{_device}/model/chunk/{transfer}/{index}", RandomBytes(_random.Next(10) == 0 ? _random.Next(0, 200_000) : _random.Next(0, 2000)), null, _random.Next(2) == 0, properties);
    }

    private byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
