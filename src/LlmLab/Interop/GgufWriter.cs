using System.Text;
using LlmLab.Runtime;

namespace LlmLab.Interop;

/// <summary>
/// Writes a GGUF v3 file as ggml's <c>docs/gguf.md</c> specifies it, little-endian:
/// <list type="number">
/// <item>Header: the magic "GGUF", version 3 (uint32), the tensor count and the metadata count (uint64 each).</item>
/// <item>Metadata: per pair, the key (string: uint64 length + UTF-8), the value's type (uint32) and the value; an array is
/// its element type, its count (uint64) and the elements.</item>
/// <item>Tensor infos: name, number of dimensions (uint32), the dimensions (uint64, ne[0] first), type (uint32) and the
/// offset of the data from the start of the data section (uint64).</item>
/// <item>Zero padding to <c>general.alignment</c> (32 unless the metadata sets it), then each tensor's data, each padded
/// to the alignment so that every offset is a multiple of it (what lets llama.cpp memory-map the tensors).</item>
/// </list>
/// The file goes to a temporary sibling and is renamed when complete. Stateless and thread-safe.
/// </summary>
public static class GgufWriter
{
    /// <summary>GGUF's magic, "GGUF" as bytes.</summary>
    public static ReadOnlySpan<byte> Magic => "GGUF"u8;

    /// <summary>The version written.</summary>
    public const uint Version = 3;

    /// <summary>The alignment when <c>general.alignment</c> is absent (the spec's default).</summary>
    public const int DefaultAlignment = 32;

    /// <summary>
    /// Writes <paramref name="metadata"/> (in the given order; each value a CLR type of <see cref="GgufValueType"/>:
    /// byte, sbyte, ushort, short, uint, int, float, bool, string, ulong, long, double, or a one-dimensional array of one
    /// of them) and <paramref name="tensors"/> to <paramref name="path"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A duplicate key or tensor name, an unsupported value type, a tensor whose byte
    /// count does not match its dimensions and type, or a non-power-of-two <c>general.alignment</c>.</exception>
    public static void Write(string path, IReadOnlyList<KeyValuePair<string, object>> metadata, IReadOnlyList<GgufTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        int alignment = DefaultAlignment;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata)
        {
            if (!keys.Add(key)) throw new ArgumentException($"metadata key '{key}' is given twice", nameof(metadata));
            if (key == "general.alignment")
                alignment = value is uint a && a > 0 && (a & (a - 1)) == 0 ? (int)a
                    : throw new ArgumentException("general.alignment must be a uint32 power of two", nameof(metadata));
        }
        var offsets = new long[tensors.Count];
        long offset = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            if (!names.Add(t.Name)) throw new ArgumentException($"tensor '{t.Name}' is given twice", nameof(tensors));
            if (Encoding.UTF8.GetByteCount(t.Name) > 64) throw new ArgumentException($"tensor name '{t.Name}' is longer than " +
                $"GGUF's 64 bytes", nameof(tensors));
            if (t.Dimensions.Length is < 1 or > 4 || t.Dimensions.Any(d => d < 1))
                throw new ArgumentException($"tensor '{t.Name}' needs 1 to 4 dimensions, each >= 1", nameof(tensors));
            long elements = t.Dimensions.Aggregate(1L, (p, d) => checked(p * d));
            long? size = GgmlTypes.ByteSize(t.Type, t.Dimensions[0], elements);
            if (size != t.Data.Length)
                throw new ArgumentException($"tensor '{t.Name}': {t.Data.Length} bytes for [{string.Join(", ", t.Dimensions)}] " +
                    $"{t.Type} (expected {size?.ToString() ?? "a whole number of blocks"})", nameof(tensors));
            offsets[i] = offset;
            offset = Align(offset + t.Data.Length, alignment);
        }
        AtomicFile.Write(path, stream =>
        {
            using var w = new BinaryWriter(new BufferedStream(stream, 1 << 20), Encoding.UTF8, leaveOpen: true);
            w.Write(Magic);
            w.Write(Version);
            w.Write((ulong)tensors.Count);
            w.Write((ulong)metadata.Count);
            foreach (var (key, value) in metadata)
            {
                WriteString(w, key);
                WriteValue(w, key, value);
            }
            for (int i = 0; i < tensors.Count; i++)
            {
                var t = tensors[i];
                WriteString(w, t.Name);
                w.Write((uint)t.Dimensions.Length);
                foreach (long d in t.Dimensions) w.Write((ulong)d);
                w.Write((uint)t.Type);
                w.Write((ulong)offsets[i]);
            }
            w.Flush();
            Pad(w, alignment);
            foreach (var t in tensors)
            {
                w.Write(t.Data);
                Pad(w, alignment);
            }
            w.Flush();
        });
    }

    static long Align(long x, int alignment) => (x + alignment - 1) / alignment * alignment;

    static void Pad(BinaryWriter w, int alignment)
    {
        long pos = w.BaseStream.Position;
        for (long p = pos; p < Align(pos, alignment); p++) w.Write((byte)0);
    }

    static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    static void WriteValue(BinaryWriter w, string key, object value)
    {
        if (value is Array array and not byte[] || value is byte[])
        {
            var element = value.GetType().GetElementType()!;
            w.Write((uint)GgufValueType.Array);
            w.Write((uint)TypeOf(key, element));
            w.Write((ulong)((Array)value).Length);
            foreach (object item in (Array)value) WriteScalar(w, item);
            return;
        }
        w.Write((uint)TypeOf(key, value.GetType()));
        WriteScalar(w, value);
    }

    static void WriteScalar(BinaryWriter w, object value)
    {
        switch (value)
        {
            case byte v: w.Write(v); break;
            case sbyte v: w.Write(v); break;
            case ushort v: w.Write(v); break;
            case short v: w.Write(v); break;
            case uint v: w.Write(v); break;
            case int v: w.Write(v); break;
            case float v: w.Write(v); break;
            case bool v: w.Write((byte)(v ? 1 : 0)); break;
            case string v: WriteString(w, v); break;
            case ulong v: w.Write(v); break;
            case long v: w.Write(v); break;
            case double v: w.Write(v); break;
            default: throw new ArgumentException($"GGUF cannot hold a {value.GetType().Name}");
        }
    }

    /// <summary>The GGUF type tag of a CLR type.</summary>
    internal static GgufValueType TypeOf(string key, Type type) =>
        type == typeof(byte) ? GgufValueType.UInt8 : type == typeof(sbyte) ? GgufValueType.Int8
        : type == typeof(ushort) ? GgufValueType.UInt16 : type == typeof(short) ? GgufValueType.Int16
        : type == typeof(uint) ? GgufValueType.UInt32 : type == typeof(int) ? GgufValueType.Int32
        : type == typeof(float) ? GgufValueType.Float32 : type == typeof(bool) ? GgufValueType.Bool
        : type == typeof(string) ? GgufValueType.String : type == typeof(ulong) ? GgufValueType.UInt64
        : type == typeof(long) ? GgufValueType.Int64 : type == typeof(double) ? GgufValueType.Float64
        : throw new ArgumentException($"metadata '{key}': GGUF has no type for {type.Name}");
}
