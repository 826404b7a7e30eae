using System.Text;
using LlmLab.Inference.Quantization;
using LlmLab.Nn.Gpt;
using LlmLab.Tests.Nn;
using static TorchSharp.torch;

namespace LlmLab.Tests.Inference;

public sealed class QuantizedCheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-qckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Dictionary<string, float[]> Weights(GptModel m) =>
        m.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().contiguous().data<float>().ToArray());

    [Theory]
    [InlineData(QuantFormat.Q8_0)]
    [InlineData(QuantFormat.Q4_0)]
    [InlineData(QuantFormat.F32)]
    public void A_saved_checkpoint_reads_back_to_the_quantized_model_s_weights(QuantFormat format)
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny, 1);
        var ckpt = QuantizedCheckpoint.FromModel(model, format);
        string path = Path.Combine(_dir, "model.llqw");
        long size = ckpt.Save(path);
        Assert.Equal(new FileInfo(path).Length, size);
        Assert.Equal(["model.llqw"], Directory.GetFiles(_dir).Select(Path.GetFileName)); // no temporary file left

        var back = QuantizedCheckpoint.Load(path);
        Assert.Equal(ckpt.Entries.Select(e => (e.Name, e.Format, string.Join(",", e.Shape))), back.Entries.Select(e => (e.Name, e.Format, string.Join(",", e.Shape))));
        Assert.All(ckpt.Entries.Zip(back.Entries), p => Assert.Equal(p.First.Data, p.Second.Data));

        // Dequantized into a fresh model = ModelQuantizer's in-place result, bit for bit; the file's data = its ModelBytes.
        using var reference = GptTestModels.Build(GptTestModels.Tiny, 1);
        var summary = ModelQuantizer.Apply(reference, format);
        using var loaded = GptTestModels.Build(GptTestModels.Tiny, 7);
        back.CopyInto(loaded);
        var expected = Weights(reference);
        foreach (var (name, values) in Weights(loaded)) Assert.Equal(expected[name], values);
        Assert.Equal(summary.ModelBytes, back.DataBytes);
        long header = 12 + back.Entries.Sum(e => 2 + Encoding.UTF8.GetByteCount(e.Name) + 1 + 1 + 8 * e.Shape.Count + 8);
        Assert.Equal(header + back.DataBytes, size);
    }

    [Fact]
    public void The_file_starts_with_magic_version_and_the_ggml_type_id()
    {
        var block = Enumerable.Range(0, 32).Select(i => (i - 16) / 100f).ToArray();
        var ckpt = new QuantizedCheckpoint([new QuantizedCheckpoint.Entry("w", [1, 32], QuantFormat.Q8_0, GgmlBlocks.QuantizeQ8_0(block))]);
        string path = Path.Combine(_dir, "one.llqw");
        Assert.Equal(12 + 2 + 1 + 1 + 1 + 16 + 8 + 34, ckpt.Save(path));
        byte[] b = File.ReadAllBytes(path);
        Assert.Equal("LLQW"u8.ToArray(), b[..4]);
        Assert.Equal([1, 0, 0, 0, 1, 0, 0, 0], b[4..12]);           // version 1, one tensor
        Assert.Equal([1, 0, (byte)'w', 8, 2], b[12..17]);           // name length, name, GGML_TYPE_Q8_0 = 8, rank 2
        Assert.Equal(34L, BitConverter.ToInt64(b, 17 + 16));
        Assert.Equal(GgmlBlocks.QuantizeQ8_0(block), b[^34..]);
    }

    [Fact]
    public void Damaged_files_are_refused_with_the_file_s_name()
    {
        var ckpt = new QuantizedCheckpoint([new QuantizedCheckpoint.Entry("w", [2, 32], QuantFormat.Q4_0, new byte[2 * 18])]);
        string good = Path.Combine(_dir, "good.llqw");
        ckpt.Save(good);
        byte[] bytes = File.ReadAllBytes(good);
        string Write(string name, byte[] content) { string p = Path.Combine(_dir, name); File.WriteAllBytes(p, content); return p; }
        string Message(string path) => Assert.Throws<InputException>(() => QuantizedCheckpoint.Load(path)).Message;

        Assert.Contains("text.llqw is not a quantized checkpoint", Message(Write("text.llqw", "hello world, not weights"u8.ToArray())));
        var v2 = (byte[])bytes.Clone(); v2[4] = 2;
        Assert.Contains("of version 2; this build reads version 1", Message(Write("v2.llqw", v2)));
        Assert.Contains("cut.llqw is truncated", Message(Write("cut.llqw", bytes[..^5])));
        var type = (byte[])bytes.Clone(); type[15] = 3;
        Assert.Contains("tensor w has ggml type 3", Message(Write("type.llqw", type)));
        Assert.Contains("bytes after its last tensor", Message(Write("tail.llqw", [.. bytes, 0])));
        var length = (byte[])bytes.Clone(); length[17 + 16] = 35;
        Assert.Contains("declares 35 bytes", Message(Write("length.llqw", length)));
        Assert.Contains("no such quantized checkpoint", Message(Path.Combine(_dir, "absent.llqw")));
    }

    [Fact]
    public void Formats_and_shapes_the_file_cannot_hold_are_refused()
    {
        using var model = GptTestModels.Build(GptTestModels.Tiny, 1);
        Assert.Contains("not Int4Symmetric", Assert.Throws<ArgumentException>(() => QuantizedCheckpoint.FromModel(model, QuantFormat.Int4Symmetric)).Message);
        using var odd = GptTestModels.Build(GptTestModels.Tiny with { Width = 48, Heads = 4 }, 1);
        Assert.Contains("h.0.", Assert.Throws<ArgumentException>(() => QuantizedCheckpoint.FromModel(odd, QuantFormat.Q8_0)).Message);
        Assert.Contains("takes 36 bytes, got 35", Assert.Throws<ArgumentException>(() =>
            new QuantizedCheckpoint([new QuantizedCheckpoint.Entry("w", [2, 32], QuantFormat.Q4_0, new byte[35])])).Message);
        Assert.Contains("rows a multiple of 32", Assert.Throws<ArgumentException>(() =>
            new QuantizedCheckpoint([new QuantizedCheckpoint.Entry("w", [2, 20], QuantFormat.Q8_0, new byte[40])])).Message);
    }
}
