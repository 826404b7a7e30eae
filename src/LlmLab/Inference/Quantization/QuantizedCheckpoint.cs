using System.Text;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using static TorchSharp.torch;

namespace LlmLab.Inference.Quantization;

/// <summary>
/// A model's weights as they would ship quantized: the matrices <see cref="ModelQuantizer"/> quantizes in llama.cpp's
/// Q8_0 or Q4_0 blocks (byte for byte ggml's layout, <see cref="GgmlBlocks"/>), everything else in fp32, in a small
/// versioned file of ours, so that "size on disk" is the size of a real file. Layout (little-endian):
/// <code>
/// "LLQW"  u32 version (1)  u32 tensor count
/// per tensor: u16 name length, name (UTF-8)  u8 type  u8 rank, rank × i64 dims  i64 data bytes, data
/// </code>
/// The type byte is ggml's <c>ggml_type</c> id (ggml.h: F32 = 0, Q4_0 = 2, Q8_0 = 8). Q8_0/Q4_0 data are the row-major
/// matrix's blocks of 32 weights along each row (the row length must be a multiple of 32); F32 data are the values.
/// Written to a temporary name and renamed. Immutable; thread-safe.
/// </summary>
public sealed class QuantizedCheckpoint
{
    /// <summary>One stored tensor. <see cref="Data"/> is not copied: do not modify it.</summary>
    /// <param name="Name">The parameter's name in the model (e.g. <c>h.0.attn.c_attn.weight</c>).</param>
    /// <param name="Shape">Its dimensions.</param>
    /// <param name="Format">F32, Q8_0 or Q4_0.</param>
    /// <param name="Data">Its bytes as stored.</param>
    public sealed record Entry(string Name, IReadOnlyList<long> Shape, QuantFormat Format, byte[] Data)
    {
        /// <summary>Weights in the tensor.</summary>
        public long Elements => Shape.Aggregate(1L, (a, d) => a * d);

        /// <summary>The values a model computes with: the blocks dequantized, or the fp32 values.</summary>
        public float[] Dequantize() => Format switch
        {
            QuantFormat.Q8_0 => GgmlBlocks.DequantizeQ8_0(Data),
            QuantFormat.Q4_0 => GgmlBlocks.DequantizeQ4_0(Data),
            _ => Floats(Data),
        };
    }

    /// <summary>"LLQW": LlmLab quantized weights.</summary>
    public static ReadOnlySpan<byte> Magic => "LLQW"u8;

    /// <summary>The layout version this build writes and reads.</summary>
    public const int Version = 1;

    /// <exception cref="ArgumentException">A format other than F32/Q8_0/Q4_0, data whose length does not fit the shape
    /// and format, or a repeated name.</exception>
    public QuantizedCheckpoint(IEnumerable<Entry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Entries = entries.ToList();
        var names = new HashSet<string>();
        foreach (var e in Entries)
        {
            if (!names.Add(e.Name)) throw new ArgumentException($"tensor {e.Name} appears twice");
            if (ExpectedBytes(e.Shape, e.Format) is not { } bytes) throw new ArgumentException($"{e.Name}: {Describe(e.Shape, e.Format)} cannot be stored (F32 any shape; Q8_0 and Q4_0 need rows a multiple of 32 long)");
            if (e.Data.Length != bytes) throw new ArgumentException($"{e.Name}: {Describe(e.Shape, e.Format)} takes {bytes:N0} bytes, got {e.Data.Length:N0}");
        }
    }

    /// <summary>The tensors, in the order they are stored.</summary>
    public IReadOnlyList<Entry> Entries { get; }

    /// <summary>Bytes of tensor data (what the file holds besides its small header).</summary>
    public long DataBytes => Entries.Sum(e => (long)e.Data.Length);

    /// <summary>
    /// Every parameter of <paramref name="model"/>: those <see cref="ModelQuantizer.IsQuantized"/> selects in
    /// <paramref name="format"/> (Q8_0 or Q4_0, or F32 for an unquantized reference), the others in fp32. The
    /// dequantized matrices equal what <see cref="ModelQuantizer.Apply"/> writes into a model (the same ggml rounding).
    /// </summary>
    /// <exception cref="ArgumentException">Another format, or a matrix whose rows are not a multiple of 32 long.</exception>
    public static QuantizedCheckpoint FromModel(GptModel model, QuantFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (format is not (QuantFormat.F32 or QuantFormat.Q8_0 or QuantFormat.Q4_0))
            throw new ArgumentException($"a checkpoint stores F32, Q8_0 or Q4_0 blocks, not {format}", nameof(format));
        var entries = new List<Entry>();
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            var values = p.detach().cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
            var f = ModelQuantizer.IsQuantized(name, p) ? format : QuantFormat.F32;
            if (f != QuantFormat.F32 && p.shape[^1] % GgmlBlocks.BlockSize != 0)
                throw new ArgumentException($"{name} ({string.Join(" × ", p.shape)}): {f} needs rows a multiple of {GgmlBlocks.BlockSize} long");
            byte[] data = f switch
            {
                QuantFormat.Q8_0 => GgmlBlocks.QuantizeQ8_0(values),
                QuantFormat.Q4_0 => GgmlBlocks.QuantizeQ4_0(values),
                _ => Bytes(values),
            };
            entries.Add(new Entry(name, p.shape.ToArray(), f, data));
        }
        return new QuantizedCheckpoint(entries);
    }

    /// <summary>Writes the checkpoint to <paramref name="path"/> (temporary file, then rename) and returns its size in bytes.</summary>
    public long Save(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write(Entries.Count);
            foreach (var e in Entries)
            {
                byte[] name = Encoding.UTF8.GetBytes(e.Name);
                w.Write((ushort)name.Length);
                w.Write(name);
                w.Write(TypeId(e.Format));
                w.Write((byte)e.Shape.Count);
                foreach (long d in e.Shape) w.Write(d);
                w.Write((long)e.Data.Length);
                w.Write(e.Data);
            }
        });
        return new FileInfo(path).Length;
    }

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    /// <exception cref="InputException">The file is missing, is not a checkpoint, has another version, is truncated or
    /// inconsistent; the message names the file.</exception>
    public static QuantizedCheckpoint Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new InputException($"{path}: no such quantized checkpoint");
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InputException($"{path} is not a quantized checkpoint (it does not start with \"LLQW\")");
            int version = r.ReadInt32();
            if (version != Version) throw new InputException($"{path} is a quantized checkpoint of version {version}; this build reads version {Version}");
            int count = r.ReadInt32();
            if (count < 0) throw new InputException($"{path}: tensor count {count} is invalid (corrupt file)");
            var entries = new List<Entry>(Math.Min(count, 4096));
            for (int i = 0; i < count; i++)
            {
                string name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16()));
                var format = FormatOf(r.ReadByte(), path, name);
                var shape = new long[r.ReadByte()];
                for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
                long length = r.ReadInt64();
                if (ExpectedBytes(shape, format) != length)
                    throw new InputException($"{path}: tensor {name} ({Describe(shape, format)}) declares {length:N0} bytes of data (corrupt file)");
                byte[] data = r.ReadBytes(checked((int)length));
                if (data.Length != length) throw new EndOfStreamException();
                entries.Add(new Entry(name, shape, format, data));
            }
            if (r.BaseStream.Position != r.BaseStream.Length)
                throw new InputException($"{path} has {r.BaseStream.Length - r.BaseStream.Position:N0} bytes after its last tensor (corrupt file)");
            return new QuantizedCheckpoint(entries);
        }
        catch (EndOfStreamException)
        {
            throw new InputException($"{path} is truncated: it ends inside a tensor (an interrupted copy?)");
        }
    }

    /// <summary>Copies every entry's dequantized values into the parameter of <paramref name="model"/> with its name.</summary>
    /// <exception cref="ArgumentException">A parameter with no entry, an entry with no parameter, or a shape mismatch.</exception>
    public void CopyInto(GptModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var byName = Entries.ToDictionary(e => e.Name);
        var parameters = model.named_parameters().ToList();
        if (parameters.Count != Entries.Count || parameters.Any(p => !byName.ContainsKey(p.name)))
            throw new ArgumentException($"the checkpoint's {Entries.Count} tensors do not match the model's {parameters.Count} parameters by name");
        using var noGrad = no_grad();
        foreach (var (name, p) in parameters)
        {
            var e = byName[name];
            if (!e.Shape.SequenceEqual(p.shape)) throw new ArgumentException($"{name}: the checkpoint has {string.Join(" × ", e.Shape)}, the model {string.Join(" × ", p.shape)}");
            using var values = tensor(e.Dequantize(), p.shape);
            p.copy_(values.to(p.dtype, p.device));
        }
    }

    /// <summary>Bytes a tensor takes in a format, or null when the format cannot hold that shape.</summary>
    static long? ExpectedBytes(IReadOnlyList<long> shape, QuantFormat format)
    {
        if (shape.Any(d => d < 0)) return null;
        long n = shape.Aggregate(1L, (a, d) => a * d);
        if (format == QuantFormat.F32) return 4 * n;
        if (format is not (QuantFormat.Q8_0 or QuantFormat.Q4_0) || shape.Count == 0 || shape[^1] % GgmlBlocks.BlockSize != 0) return null;
        return n / GgmlBlocks.BlockSize * (format == QuantFormat.Q8_0 ? GgmlBlocks.Q8_0Bytes : GgmlBlocks.Q4_0Bytes);
    }

    static byte TypeId(QuantFormat f) => f switch { QuantFormat.F32 => 0, QuantFormat.Q4_0 => 2, QuantFormat.Q8_0 => 8, _ => throw new ArgumentOutOfRangeException(nameof(f)) };

    static QuantFormat FormatOf(byte id, string path, string name) => id switch
    {
        0 => QuantFormat.F32,
        2 => QuantFormat.Q4_0,
        8 => QuantFormat.Q8_0,
        _ => throw new InputException($"{path}: tensor {name} has ggml type {id}; this build reads F32 (0), Q4_0 (2) and Q8_0 (8)"),
    };

    static string Describe(IReadOnlyList<long> shape, QuantFormat f) => $"{string.Join(" × ", shape)} {f}";

    static byte[] Bytes(float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    static float[] Floats(byte[] bytes)
    {
        var values = new float[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++) values[i] = BitConverter.ToSingle(bytes, i * 4);
        return values;
    }
}
