using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using LlmLab.Runtime;

namespace LlmLab.Interop;

/// <summary>Writes fp32 tensors as one safetensors file (the layout <see cref="SafetensorsFile"/> reads), the header padded
/// with spaces to a multiple of 8 bytes as the reference writer does, data in the given order, through a temporary file and
/// a rename. Stateless and thread-safe.</summary>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> (name, shape outermost first, values) with <paramref name="metadata"/>.</summary>
    /// <exception cref="ArgumentException">A duplicate name, or values that do not match the shape.</exception>
    public static void Write(string path, IReadOnlyList<(string Name, long[] Shape, float[] Values)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var json = new MemoryStream();
        using (var w = new Utf8JsonWriter(json))
        {
            w.WriteStartObject();
            w.WriteStartObject("__metadata__");
            foreach (var (k, v) in metadata ?? new Dictionary<string, string> { ["format"] = "pt" }) w.WriteString(k, v);
            w.WriteEndObject();
            long offset = 0;
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, shape, values) in tensors)
            {
                if (!names.Add(name)) throw new ArgumentException($"tensor '{name}' is given twice", nameof(tensors));
                if (shape.Aggregate(1L, (a, d) => a * d) != values.LongLength) throw new ArgumentException($"tensor '{name}': " +
                    $"{values.Length} values for [{string.Join(", ", shape)}]", nameof(tensors));
                w.WriteStartObject(name);
                w.WriteString("dtype", "F32");
                w.WriteStartArray("shape");
                foreach (long d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset += 4L * values.Length);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        byte[] header = json.ToArray();
        int padded = (header.Length + 7) / 8 * 8;
        AtomicFile.Write(path, s =>
        {
            using var bw = new BinaryWriter(new BufferedStream(s, 1 << 20), Encoding.UTF8, leaveOpen: true);
            bw.Write((ulong)padded);
            bw.Write(header);
            for (int i = header.Length; i < padded; i++) bw.Write((byte)' ');
            foreach (var (_, _, values) in tensors) bw.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            bw.Flush();
        });
    }
}
