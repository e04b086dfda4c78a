using System.Buffers.Binary;
using System.Text;

namespace EdgeInspector.Inference;

/// <summary>A float32 tensor read from, or written into, an ONNX model's initializers.</summary>
public sealed record FloatTensor(long[] Dims, float[] Data);

/// <summary>
/// Reads and replaces a float32 initializer of an ONNX model (ModelProto) by walking the protobuf
/// wire format directly: enroll swaps the <c>memory_bank</c> initializer of model.onnx without a
/// protobuf library and without touching anything else in the graph. Only the graph and the one
/// tensor are re-encoded; every other byte is copied as it was.
/// Long on purpose: one protobuf wire format (the ONNX model's initializers), read and
/// rewritten in place without a protobuf dependency; the pieces only make sense together.
/// </summary>
public static class OnnxInitializers
{
    private const int ModelGraphField = 7;        // ModelProto.graph
    private const int GraphInitializerField = 5;  // GraphProto.initializer
    private const int TensorDimsField = 1;        // TensorProto.dims
    private const int TensorDataTypeField = 2;    // TensorProto.data_type
    private const int TensorFloatDataField = 4;   // TensorProto.float_data
    private const int TensorNameField = 8;        // TensorProto.name
    private const int TensorRawDataField = 9;     // TensorProto.raw_data
    private const int TensorDataLocationField = 14;
    private const int FloatType = 1;

    /// <summary>The named float32 initializer; throws <see cref="InvalidDataException"/> when absent or not float32.</summary>
    public static FloatTensor Read(byte[] model, string name)
    {
        var (graph, _) = FindGraph(model);
        foreach (var field in Fields(model.AsSpan(graph.Start, graph.Length), graph.Start))
        {
            if (field.Number == GraphInitializerField && TensorName(model.AsSpan(field.Start, field.Length)) == name)
            {
                return DecodeTensor(model.AsSpan(field.Start, field.Length), name);
            }
        }

        throw new InvalidDataException($"the model has no initializer named '{name}'");
    }

    /// <summary>True when the model has an initializer of that name.</summary>
    public static bool Contains(byte[] model, string name)
    {
        var (graph, _) = FindGraph(model);
        foreach (var field in Fields(model.AsSpan(graph.Start, graph.Length), graph.Start))
        {
            if (field.Number == GraphInitializerField && TensorName(model.AsSpan(field.Start, field.Length)) == name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A copy of <paramref name="model"/> whose initializer <paramref name="name"/> is <paramref name="value"/> (raw float32 data).</summary>
    public static byte[] Replace(byte[] model, string name, FloatTensor value)
    {
        long count = value.Dims.Aggregate(1L, (a, d) => a * d);
        if (count != value.Data.Length)
        {
            throw new ArgumentException($"dims [{string.Join(",", value.Dims)}] hold {count} values, data has {value.Data.Length}", nameof(value));
        }

        var (graph, graphField) = FindGraph(model);
        using var newGraph = new MemoryStream(graph.Length + (value.Data.Length * 4));
        bool replaced = false;
        int copied = graph.Start;
        foreach (var field in Fields(model.AsSpan(graph.Start, graph.Length), graph.Start))
        {
            if (field.Number == GraphInitializerField && !replaced && TensorName(model.AsSpan(field.Start, field.Length)) == name)
            {
                newGraph.Write(model, copied, field.TagStart - copied);
                byte[] tensor = EncodeTensor(name, value);
                WriteTag(newGraph, GraphInitializerField, 2);
                WriteVarint(newGraph, (ulong)tensor.Length);
                newGraph.Write(tensor);
                copied = field.Start + field.Length;
                replaced = true;
            }
        }

        if (!replaced)
        {
            throw new InvalidDataException($"the model has no initializer named '{name}'");
        }

        newGraph.Write(model, copied, graph.Start + graph.Length - copied);
        using var result = new MemoryStream(model.Length + (int)newGraph.Length);
        result.Write(model, 0, graphField.TagStart);
        WriteTag(result, ModelGraphField, 2);
        WriteVarint(result, (ulong)newGraph.Length);
        newGraph.Position = 0;
        newGraph.CopyTo(result);
        int after = graph.Start + graph.Length;
        result.Write(model, after, model.Length - after);
        return result.ToArray();
    }

    private readonly record struct Field(int Number, int WireType, int TagStart, int Start, int Length, ulong Varint);

    private static (Field Graph, Field Tag) FindGraph(byte[] model)
    {
        Field? graph = null;
        foreach (var field in Fields(model, 0))
        {
            if (field.Number == ModelGraphField && field.WireType == 2)
            {
                graph = field;
            }
        }

        return graph is { } g ? (g, g) : throw new InvalidDataException("not an ONNX model: no graph in the protobuf");
    }

    private static List<Field> Fields(ReadOnlySpan<byte> data, int offset)
    {
        var fields = new List<Field>();
        int pos = 0;
        while (pos < data.Length)
        {
            int tagStart = pos;
            ulong tag = ReadVarint(data, ref pos);
            int number = (int)(tag >> 3);
            int wire = (int)(tag & 7);
            switch (wire)
            {
                case 0:
                {
                    ulong v = ReadVarint(data, ref pos);
                    fields.Add(new Field(number, wire, offset + tagStart, offset + pos, 0, v));
                    break;
                }

                case 1:
                    fields.Add(new Field(number, wire, offset + tagStart, offset + pos, 8, 0));
                    pos += 8;
                    break;
                case 2:
                {
                    ulong length = ReadVarint(data, ref pos);
                    if (length > (ulong)(data.Length - pos))
                    {
                        throw new InvalidDataException("not an ONNX model: a protobuf field runs past the end");
                    }

                    fields.Add(new Field(number, wire, offset + tagStart, offset + pos, (int)length, 0));
                    pos += (int)length;
                    break;
                }

                case 5:
                    fields.Add(new Field(number, wire, offset + tagStart, offset + pos, 4, 0));
                    pos += 4;
                    break;
                default:
                    throw new InvalidDataException($"not an ONNX model: protobuf wire type {wire} at byte {offset + tagStart}");
            }

            if (pos > data.Length)
            {
                throw new InvalidDataException("not an ONNX model: truncated protobuf");
            }
        }

        return fields;
    }

    private static string? TensorName(ReadOnlySpan<byte> tensor)
    {
        foreach (var f in Fields(tensor, 0))
        {
            if (f.Number == TensorNameField && f.WireType == 2)
            {
                return Encoding.UTF8.GetString(tensor.Slice(f.Start, f.Length));
            }
        }

        return null;
    }

    private static FloatTensor DecodeTensor(ReadOnlySpan<byte> tensor, string name)
    {
        var dims = new List<long>();
        int dataType = 0;
        float[]? data = null;
        var floats = new List<float>();
        foreach (var f in Fields(tensor, 0))
        {
            switch (f.Number)
            {
                case TensorDimsField when f.WireType == 0:
                    dims.Add((long)f.Varint);
                    break;
                case TensorDimsField when f.WireType == 2:
                {
                    var packed = tensor.Slice(f.Start, f.Length);
                    int p = 0;
                    while (p < packed.Length)
                    {
                        dims.Add((long)ReadVarint(packed, ref p));
                    }

                    break;
                }

                case TensorDataTypeField:
                    dataType = (int)f.Varint;
                    break;
                case TensorRawDataField:
                    data = new float[f.Length / 4];
                    for (int i = 0; i < data.Length; i++)
                    {
                        data[i] = BinaryPrimitives.ReadSingleLittleEndian(tensor.Slice(f.Start + (4 * i), 4));
                    }

                    break;
                case TensorFloatDataField when f.WireType == 2:
                    for (int i = 0; i + 4 <= f.Length; i += 4)
                    {
                        floats.Add(BinaryPrimitives.ReadSingleLittleEndian(tensor.Slice(f.Start + i, 4)));
                    }

                    break;
                case TensorFloatDataField when f.WireType == 5:
                    floats.Add(BinaryPrimitives.ReadSingleLittleEndian(tensor.Slice(f.Start, 4)));
                    break;
                case TensorDataLocationField when f.Varint == 1:
                    throw new InvalidDataException($"initializer '{name}' is stored as external data; re-export the model with its weights inside");
            }
        }

        if (dataType != FloatType)
        {
            throw new InvalidDataException($"initializer '{name}' has ONNX data type {dataType}, expected float32 (1)");
        }

        data ??= [.. floats];
        long count = dims.Aggregate(1L, (a, d) => a * d);
        return count == data.Length
            ? new FloatTensor([.. dims], data)
            : throw new InvalidDataException($"initializer '{name}' has dims [{string.Join(",", dims)}] but {data.Length} values");
    }

    private static byte[] EncodeTensor(string name, FloatTensor value)
    {
        using var s = new MemoryStream((value.Data.Length * 4) + 64);
        using (var dims = new MemoryStream())
        {
            foreach (long d in value.Dims)
            {
                WriteVarint(dims, (ulong)d);
            }

            WriteTag(s, TensorDimsField, 2);
            WriteVarint(s, (ulong)dims.Length);
            dims.Position = 0;
            dims.CopyTo(s);
        }

        WriteTag(s, TensorDataTypeField, 0);
        WriteVarint(s, FloatType);
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        WriteTag(s, TensorNameField, 2);
        WriteVarint(s, (ulong)nameBytes.Length);
        s.Write(nameBytes);
        var raw = new byte[value.Data.Length * 4];
        for (int i = 0; i < value.Data.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(4 * i, 4), value.Data[i]);
        }

        WriteTag(s, TensorRawDataField, 2);
        WriteVarint(s, (ulong)raw.Length);
        s.Write(raw);
        return s.ToArray();
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("not an ONNX model: truncated varint");
            }

            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return result;
            }
        }

        throw new InvalidDataException("not an ONNX model: varint longer than 10 bytes");
    }

    private static void WriteTag(Stream s, int field, int wireType) => WriteVarint(s, ((ulong)field << 3) | (uint)wireType);

    private static void WriteVarint(Stream s, ulong value)
    {
        while (value >= 0x80)
        {
            s.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        s.WriteByte((byte)value);
    }
}
