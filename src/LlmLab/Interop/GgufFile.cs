using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using LlmLab.Inference.Quantization;

namespace LlmLab.Interop;

/// <summary>
/// A GGUF file's header read and checked (ggml <c>docs/gguf.md</c>, versions 2 and 3, which share the layout
/// <see cref="GgufWriter"/> describes): its metadata, in file order, and its tensors' infos; tensor data is read on demand.
/// Metadata values come back as the CLR types <see cref="GgufWriter.Write"/> takes (uint32 → uint, string → string, an
/// array of int32 → int[], …).
/// </summary>
/// <remarks>
/// Nothing in the file is trusted: every length and count is checked against the bytes left before it is used (a lying
/// string length, array count or tensor count cannot make the reader allocate or read past the end), dimensions must be
/// 1 to 4 positive numbers whose product does not overflow, types must be known, names and keys unique, offsets aligned,
/// and every tensor's data must lie inside the file. Any violation is an <see cref="InputException"/> naming the file,
/// the byte offset and what was wrong. Immutable after <see cref="Open"/>; thread-safe.
/// </remarks>
public sealed class GgufFile
{
    GgufFile(string path, uint version, List<KeyValuePair<string, object>> metadata, List<GgufTensorInfo> tensors, long dataStart,
        int alignment)
    {
        (Path, Version, Metadata, Tensors, DataStart, Alignment) = (path, version, metadata, tensors, dataStart, alignment);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The format version (2 or 3).</summary>
    public uint Version { get; }

    /// <summary>The metadata pairs in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, object>> Metadata { get; }

    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    /// <summary>The byte offset of the data section.</summary>
    public long DataStart { get; }

    /// <summary>The alignment of the data (general.alignment, or 32).</summary>
    public int Alignment { get; }

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public object? Get(string key) => Metadata.FirstOrDefault(kv => kv.Key == key).Value;

    /// <summary>The value of <paramref name="key"/> as <typeparamref name="T"/>.</summary>
    /// <exception cref="InputException">The key is missing or has another type.</exception>
    public T Require<T>(string key) => Get(key) switch
    {
        T v => v,
        null => throw new InputException($"GGUF file '{Path}' has no '{key}': it was not written for this use; export it again " +
            $"with 'llmlab export gguf'"),
        var o => throw new InputException($"GGUF file '{Path}': '{key}' is a {o.GetType().Name}, expected {typeof(T).Name}"),
    };

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="InputException">No such tensor.</exception>
    public GgufTensorInfo Tensor(string name) => Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new InputException($"GGUF file '{Path}' has no tensor '{name}'");

    /// <summary>The raw bytes of <paramref name="tensor"/>'s data (a new array).</summary>
    public byte[] ReadBytes(GgufTensorInfo tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var bytes = new byte[tensor.ByteSize];
        using var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        if (fs.Length < DataStart + tensor.Offset + tensor.ByteSize)
            throw new InputException($"GGUF file '{Path}' is shorter than when it was opened: tensor '{tensor.Name}' is past its end");
        fs.Position = DataStart + tensor.Offset;
        fs.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>The values of <paramref name="tensor"/> as fp32 (dequantized for Q8_0/Q4_0; fp16 widened), in memory order.</summary>
    public float[] ReadFloats(GgufTensorInfo tensor)
    {
        byte[] bytes = ReadBytes(tensor);
        return tensor.Type switch
        {
            GgmlType.F32 => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            GgmlType.F16 => MemoryMarshal.Cast<byte, Half>(bytes).ToArray().Select(h => (float)h).ToArray(),
            GgmlType.Q8_0 => GgmlBlocks.DequantizeQ8_0(bytes),
            GgmlType.Q4_0 => GgmlBlocks.DequantizeQ4_0(bytes),
            _ => throw new InputException($"GGUF file '{Path}': tensor '{tensor.Name}' has type {tensor.Type}, which LlmLab cannot read"),
        };
    }

    /// <summary>Reads and checks the header of <paramref name="path"/>.</summary>
    /// <exception cref="InputException">A missing file, or anything the remarks list.</exception>
    public static GgufFile Open(string path)
    {
        if (!File.Exists(path)) throw new InputException($"GGUF file '{path}' does not exist: give the path of a .gguf file");
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var r = new Bounded(fs, path);
        if (!r.Bytes(4).AsSpan().SequenceEqual(GgufWriter.Magic)) throw r.Bad(0, "does not start with 'GGUF': it is not a GGUF file");
        uint version = r.U32();
        if (version is not (2 or 3)) throw r.Bad(4, $"has GGUF version {version}; LlmLab reads versions 2 and 3 (re-convert it " +
            $"with a recent llama.cpp)");
        long tensorCount = r.Count(32, "tensor count"), kvCount = r.Count(13, "metadata count");
        var metadata = new List<KeyValuePair<string, object>>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            long at = r.Position;
            string key = r.String();
            if (!keys.Add(key)) throw r.Bad(at, $"repeats metadata key '{key}'");
            metadata.Add(KeyValuePair.Create(key, ReadValue(r, key)));
        }
        int alignment = GgufWriter.DefaultAlignment;
        if (metadata.FirstOrDefault(kv => kv.Key == "general.alignment").Value is { } a)
            alignment = a is uint u && u > 0 && (u & (u - 1)) == 0 && u <= 1 << 20 ? (int)u
                : throw r.Bad(-1, $"general.alignment ({a}) is not a uint32 power of two");
        var infos = new List<(string Name, long[] Dims, GgmlType Type, long Offset, long At)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < tensorCount; i++)
        {
            long at = r.Position;
            string name = r.String();
            if (!names.Add(name)) throw r.Bad(at, $"repeats tensor '{name}'");
            uint nd = r.U32();
            if (nd is < 1 or > 4) throw r.Bad(at, $"tensor '{name}' has {nd} dimensions (GGUF allows 1 to 4)");
            var dims = new long[nd];
            for (int d = 0; d < nd; d++)
            {
                ulong v = r.U64();
                if (v is < 1 or > long.MaxValue) throw r.Bad(at, $"tensor '{name}' has dimension {d} = {v}");
                dims[d] = (long)v;
            }
            uint type = r.U32();
            if (!GgmlTypes.IsKnown(type)) throw r.Bad(at, $"tensor '{name}' has ggml type {type}; LlmLab reads f32, f16, q8_0 and q4_0");
            ulong offset = r.U64();
            if (offset > long.MaxValue || (long)offset % alignment != 0) throw r.Bad(at, $"tensor '{name}' has offset {offset}, " +
                $"not a multiple of the alignment {alignment}");
            infos.Add((name, dims, (GgmlType)type, (long)offset, at));
        }
        long dataStart = (r.Position + alignment - 1) / alignment * alignment;
        var tensors = new List<GgufTensorInfo>();
        foreach (var (name, dims, type, offset, at) in infos)
        {
            long elements;
            try { elements = dims.Aggregate(1L, (p, d) => checked(p * d)); }
            catch (OverflowException) { throw r.Bad(at, $"tensor '{name}' has dimensions whose product overflows"); }
            long size = GgmlTypes.ByteSize(type, dims[0], elements)
                ?? throw r.Bad(at, $"tensor '{name}' is {type} with a first dimension of {dims[0]}, not a whole number of blocks");
            if (offset > fs.Length - dataStart || size > fs.Length - dataStart - offset)
                throw r.Bad(at, $"tensor '{name}' ({size} bytes at data offset {offset}) lies past the end of the file " +
                    $"({fs.Length} bytes): the file is truncated");
            tensors.Add(new GgufTensorInfo(name, dims, type, offset, size));
        }
        return new GgufFile(path, version, metadata, tensors, dataStart, alignment);
    }

    static object ReadValue(Bounded r, string key)
    {
        long at = r.Position;
        uint type = r.U32();
        if (type != (uint)GgufValueType.Array) return ReadScalar(r, type, key, at);
        uint element = r.U32();
        if (element == (uint)GgufValueType.Array) throw r.Bad(at, $"metadata '{key}' is an array of arrays, which LlmLab does not read");
        int size = ScalarSize(element) ?? (element == (uint)GgufValueType.String ? 8 : throw r.Bad(at, $"metadata '{key}' has " +
            $"value type {element}"));
        long count = r.Count(size, $"length of array '{key}'");
        if (count > Array.MaxLength) throw r.Bad(at, $"metadata '{key}' has {count} elements");
        var result = Array.CreateInstance(ClrType(element), (int)count);
        for (int i = 0; i < count; i++) result.SetValue(ReadScalar(r, element, key, at), i);
        return result;
    }

    static object ReadScalar(Bounded r, uint type, string key, long at) => (GgufValueType)type switch
    {
        GgufValueType.UInt8 => r.Bytes(1)[0],
        GgufValueType.Int8 => (sbyte)r.Bytes(1)[0],
        GgufValueType.UInt16 => BitConverter.ToUInt16(r.Bytes(2)),
        GgufValueType.Int16 => BitConverter.ToInt16(r.Bytes(2)),
        GgufValueType.UInt32 => r.U32(),
        GgufValueType.Int32 => BitConverter.ToInt32(r.Bytes(4)),
        GgufValueType.Float32 => BitConverter.ToSingle(r.Bytes(4)),
        GgufValueType.Bool => r.Bytes(1)[0] switch { 0 => false, 1 => true, var b => throw r.Bad(at, $"metadata '{key}' has " +
            $"bool byte {b}") },
        GgufValueType.String => r.String(),
        GgufValueType.UInt64 => r.U64(),
        GgufValueType.Int64 => BitConverter.ToInt64(r.Bytes(8)),
        GgufValueType.Float64 => BitConverter.ToDouble(r.Bytes(8)),
        _ => throw r.Bad(at, $"metadata '{key}' has value type {type}, which GGUF does not define"),
    };

    static int? ScalarSize(uint type) => (GgufValueType)type switch
    {
        GgufValueType.UInt8 or GgufValueType.Int8 or GgufValueType.Bool => 1,
        GgufValueType.UInt16 or GgufValueType.Int16 => 2,
        GgufValueType.UInt32 or GgufValueType.Int32 or GgufValueType.Float32 => 4,
        GgufValueType.UInt64 or GgufValueType.Int64 or GgufValueType.Float64 => 8,
        _ => null,
    };

    static Type ClrType(uint type) => (GgufValueType)type switch
    {
        GgufValueType.UInt8 => typeof(byte), GgufValueType.Int8 => typeof(sbyte),
        GgufValueType.UInt16 => typeof(ushort), GgufValueType.Int16 => typeof(short),
        GgufValueType.UInt32 => typeof(uint), GgufValueType.Int32 => typeof(int),
        GgufValueType.Float32 => typeof(float), GgufValueType.Bool => typeof(bool),
        GgufValueType.String => typeof(string), GgufValueType.UInt64 => typeof(ulong),
        GgufValueType.Int64 => typeof(long), _ => typeof(double),
    };

    /// <summary>A reader that never reads past the end of the file and names the offset of what is wrong.</summary>
    sealed class Bounded(FileStream fs, string path)
    {
        readonly long _length = fs.Length;
        public long Position => fs.Position;
        long Left => _length - fs.Position;

        public byte[] Bytes(int n)
        {
            if (n > Left) throw Bad(fs.Position, $"ends after {_length} bytes, inside a {n}-byte field: the file is truncated");
            var b = new byte[n];
            fs.ReadExactly(b);
            return b;
        }

        public uint U32() => BitConverter.ToUInt32(Bytes(4));
        public ulong U64() => BitConverter.ToUInt64(Bytes(8));

        /// <summary>A count of items each at least <paramref name="minBytes"/> long: no more than the bytes left allow.</summary>
        public long Count(int minBytes, string what)
        {
            long at = fs.Position;
            ulong n = U64();
            if (n > (ulong)(Left / minBytes)) throw Bad(at, $"says its {what} is {n}, more than the {Left} bytes left can hold: " +
                $"the header is damaged or lies");
            return (long)n;
        }

        public string String()
        {
            long at = fs.Position;
            ulong n = U64();
            if (n > (ulong)Left) throw Bad(at, $"has a string of {n} bytes with only {Left} bytes left: the header is damaged or lies");
            try { return new UTF8Encoding(false, true).GetString(Bytes((int)Math.Min(n, int.MaxValue))); }
            catch (DecoderFallbackException) { throw Bad(at, "has a string that is not UTF-8"); }
        }

        public InputException Bad(long at, string what) => new(at < 0
            ? $"GGUF file '{path}' {what}"
            : $"GGUF file '{path}' at byte {at.ToString(CultureInfo.InvariantCulture)} {what}");
    }
}
