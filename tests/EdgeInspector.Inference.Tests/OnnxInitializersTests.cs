using EdgeInspector.Inference;
using EdgeInspector.Testing;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInspector.Inference.Tests;

public sealed class OnnxInitializersTests
{
    private static byte[] Baseline() => File.ReadAllBytes(Path.Combine(RepoPaths.TextureBaselinePackage, "model.onnx"));

    [Fact]
    public void Reads_a_float_initializer()
    {
        var slope = OnnxInitializers.Read(Baseline(), "slope");
        Assert.Equal([1L], slope.Dims);
        Assert.Single(slope.Data);
        Assert.True(OnnxInitializers.Contains(Baseline(), "mid"));
        Assert.False(OnnxInitializers.Contains(Baseline(), "memory_bank"));
    }

    [Fact]
    public void Replaced_initializer_is_what_onnx_runtime_runs()
    {
        byte[] model = Baseline();
        var original = OnnxInitializers.Read(model, "slope");
        byte[] edited = OnnxInitializers.Replace(model, "slope", new FloatTensor([1], [original.Data[0] * 3]));

        Assert.Equal(original.Data[0] * 3, OnnxInitializers.Read(edited, "slope").Data[0]);
        Assert.Equal(OnnxInitializers.Read(model, "mid").Data, OnnxInitializers.Read(edited, "mid").Data);
        using var session = new InferenceSession(edited);
        Assert.Contains("image", session.InputMetadata.Keys);
        Assert.Equal(["image"], session.InputMetadata.Keys.ToArray());
    }

    [Fact]
    public void A_missing_initializer_or_a_non_model_is_refused()
    {
        Assert.Throws<InvalidDataException>(() => OnnxInitializers.Read(Baseline(), "memory_bank"));
        Assert.Throws<InvalidDataException>(() => OnnxInitializers.Replace(Baseline(), "memory_bank", new FloatTensor([1], [0f])));
        Assert.Throws<InvalidDataException>(() => OnnxInitializers.Read("this is not a protobuf"u8.ToArray(), "x"));
        Assert.Throws<ArgumentException>(() => OnnxInitializers.Replace(Baseline(), "slope", new FloatTensor([2], [0f])));
    }
}
