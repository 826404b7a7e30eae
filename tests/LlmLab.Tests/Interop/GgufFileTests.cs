using System.Text;
using LlmLab.Interop;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Interop;

/// <summary>The GGUF container itself: the byte layout of the spec, write → read equality, and a reader that refuses
/// every damaged or lying header with an <see cref="InputException"/> and never reads past the file.</summary>
public sealed class GgufFileTests
{
    static readonly List<KeyValuePair<string, object>> AllTypes =
    [
        new("general.architecture", "gpt2"), new("u8", (byte)200), new("i8", (sbyte)-5), new("u16", (ushort)60000), new("i16", (short)-300),
        new("u32", 4_000_000_000u), new("i32", -7), new("f32", 1.5f), new("yes", true), new("u64", ulong.MaxValue), new("i64", long.MinValue),
        new("f64", Math.PI), new("strings", new[] { "a", "é ü", "" }), new("ints", new[] { 1, -2, 3 }), new("floats", new[] { 0.25f }),
        new("utf8 ключ", "värde"),
    ];

    static List<GgufTensor> Tensors() =>
    [
        new("vec", [3], GgmlType.F32, GgufExport.Encode([1f, -2f, 3.5f], GgmlType.F32)),
        new("half", [2, 2], GgmlType.F16, GgufExport.Encode([1f, 0.5f, -0.25f, 2f], GgmlType.F16)),
        new("q8", [32, 2], GgmlType.Q8_0, GgufExport.Encode(Enumerable.Range(0, 64).Select(i => (i - 30) / 7f).ToArray(), GgmlType.Q8_0)),
        new("q4", [64], GgmlType.Q4_0, GgufExport.Encode(Enumerable.Range(0, 64).Select(i => MathF.Sin(i)).ToArray(), GgmlType.Q4_0)),
    ];

    [Fact]
    public void Metadata_and_tensors_written_are_read_back_equal()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "t.gguf");
        var tensors = Tensors();
        GgufWriter.Write(path, AllTypes, tensors);
        Assert.Equal(["t.gguf"], Directory.GetFiles(dir.Path).Select(Path.GetFileName)); // no temporary file left

        var file = GgufFile.Open(path);
        Assert.Equal(3u, file.Version);
        Assert.Equal(AllTypes.Select(kv => kv.Key), file.Metadata.Select(kv => kv.Key));
        foreach (var (key, value) in AllTypes)
        {
            Assert.Equal(value.GetType(), file.Get(key)!.GetType());
            Assert.Equal(value, file.Get(key));
        }
        Assert.Equal(tensors.Select(t => (t.Name, string.Join(",", t.Dimensions), t.Type)),
            file.Tensors.Select(t => (t.Name, string.Join(",", t.Dimensions), t.Type)));
        foreach (var (written, read) in tensors.Zip(file.Tensors))
        {
            Assert.Equal(0, read.Offset % 32);
            Assert.Equal(written.Data, file.ReadBytes(read));
        }
        Assert.Equal([1f, -2f, 3.5f], file.ReadFloats(file.Tensor("vec")));
        Assert.Equal([1f, 0.5f, -0.25f, 2f], file.ReadFloats(file.Tensor("half")));
        Assert.Equal(0, file.DataStart % 32);
    }

    [Fact]
    public void The_bytes_follow_the_specification()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "k.gguf");
        GgufWriter.Write(path, [new("general.architecture", "gpt2")], [new GgufTensor("w", [2], GgmlType.F32, GgufExport.Encode([1f, 2f], GgmlType.F32))]);
        byte[] b = File.ReadAllBytes(path);
        // gguf.md: "GGUF", uint32 version 3, uint64 tensor count 1, uint64 KV count 1.
        Assert.Equal("GGUF"u8.ToArray(), b[..4]);
        Assert.Equal([3, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0], b[4..24]);
        // Key: uint64 length 20 + "general.architecture", type 8 (string), uint64 4 + "gpt2".
        Assert.Equal(20UL, BitConverter.ToUInt64(b, 24));
        Assert.Equal("general.architecture", Encoding.ASCII.GetString(b, 32, 20));
        Assert.Equal(8u, BitConverter.ToUInt32(b, 52));
        Assert.Equal("gpt2", Encoding.ASCII.GetString(b, 64, 4));
        // Tensor info: "w", 1 dimension of 2, type 0 (F32), offset 0; data at the next multiple of 32.
        int ti = 68;
        Assert.Equal(1UL, BitConverter.ToUInt64(b, ti));
        Assert.Equal((byte)'w', b[ti + 8]);
        Assert.Equal(1u, BitConverter.ToUInt32(b, ti + 9));
        Assert.Equal(2UL, BitConverter.ToUInt64(b, ti + 13));
        Assert.Equal(0u, BitConverter.ToUInt32(b, ti + 21));
        Assert.Equal(0UL, BitConverter.ToUInt64(b, ti + 25));
        int data = (ti + 33 + 31) / 32 * 32;
        Assert.Equal(1f, BitConverter.ToSingle(b, data));
        Assert.Equal(2f, BitConverter.ToSingle(b, data + 4));
        Assert.Equal(data + 32, b.Length); // the data padded to the alignment
    }

    [Fact]
    public void Every_truncation_is_refused_with_a_one_line_input_error()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "full.gguf");
        GgufWriter.Write(path, AllTypes, Tensors());
        byte[] full = File.ReadAllBytes(path);
        var whole = GgufFile.Open(path);
        long end = whole.DataStart + whole.Tensors[^1].Offset + whole.Tensors[^1].ByteSize; // past it is only padding
        string cut = Path.Combine(dir.Path, "cut.gguf");
        for (int n = 0; n < end; n++)
        {
            File.WriteAllBytes(cut, full[..n]);
            var e = Assert.Throws<InputException>(() => GgufFile.Open(cut));
            Assert.DoesNotContain('\n', e.Message);
            Assert.Contains("cut.gguf", e.Message);
        }
    }

    [Theory]
    [InlineData("string length", "lies")]
    [InlineData("array count", "lies")]
    [InlineData("tensor count", "lies")]
    [InlineData("tensor offset", "past the end")]
    [InlineData("dimension", "dimension")]
    [InlineData("tensor type", "ggml type")]
    [InlineData("magic", "not a GGUF file")]
    [InlineData("version", "version")]
    public void A_lying_header_is_refused_before_anything_is_read_past_the_file(string field, string expected)
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "lie.gguf");
        GgufWriter.Write(path, [new("general.architecture", "gpt2"), new("ints", new[] { 1, 2 })],
            [new GgufTensor("w", [2], GgmlType.F32, GgufExport.Encode([1f, 2f], GgmlType.F32))]);
        byte[] b = File.ReadAllBytes(path);
        int ints = 24 + 8 + 20 + 4 + 8 + 4; // after the first pair
        int tensorInfo = ints + 8 + 4 + 4 + 4 + 8 + 8;
        switch (field)
        {
            case "string length": BitConverter.TryWriteBytes(b.AsSpan(24), 1UL << 40); break;
            case "array count": BitConverter.TryWriteBytes(b.AsSpan(ints + 8 + 4 + 4 + 4), ulong.MaxValue / 2); break;
            case "tensor count": BitConverter.TryWriteBytes(b.AsSpan(8), 1UL << 50); break;
            case "tensor offset": BitConverter.TryWriteBytes(b.AsSpan(tensorInfo + 25), 1UL << 20); break;
            case "dimension": BitConverter.TryWriteBytes(b.AsSpan(tensorInfo + 13), 0UL); break;
            case "tensor type": BitConverter.TryWriteBytes(b.AsSpan(tensorInfo + 21), 99u); break;
            case "magic": b[0] = (byte)'X'; break;
            case "version": b[4] = 1; break;
        }
        File.WriteAllBytes(path, b);
        var e = Assert.Throws<InputException>(() => GgufFile.Open(path));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
