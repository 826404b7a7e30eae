using Cloud.Unum.USearch;
using LlmLab.Retrieval.Embeddings;
using Microsoft.ML.OnnxRuntime;

namespace LlmLab.Tests.Retrieval;

/// <summary>ONNX Runtime's and USearch's native libraries load on this machine (Debian 12 needed a patch for libtorch).</summary>
public class NativeLoadTests
{
    [Fact]
    public void OnnxRuntimeLoadsMiniLm()
    {
        using var session = new InferenceSession(MiniLmModel.ReadModel());
        var inputs = string.Join(",", session.InputMetadata.Keys);
        var outputs = string.Join(",", session.OutputMetadata.Keys);
        Assert.Contains("input_ids", inputs);
        Assert.True(outputs.Length > 0, outputs);
        Console.WriteLine($"inputs {inputs} outputs {outputs}");
    }

    [Fact]
    public void USearchAddsAndSearches()
    {
        using var index = new USearchIndex(MetricKind.Cos, ScalarKind.Float32, 4);
        index.Add(1, new float[] { 1, 0, 0, 0 });
        index.Add(2, new float[] { 0, 1, 0, 0 });
        int found = index.Search(new float[] { 0.9f, 0.1f, 0, 0 }, 1, out ulong[] keys, out float[] _);
        Assert.Equal(1, found);
        Assert.Equal(1UL, keys[0]);
    }
}
