using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace LlmLab.Interop;

/// <summary>
/// A safetensors file (Hugging Face's format, <c>safetensors</c>' README): an unsigned 64-bit little-endian header length
/// N, N bytes of JSON mapping each tensor name to <c>{"dtype", "shape", "data_offsets": [begin, end]}</c> (offsets from
/// the end of the header) plus an optional <c>__metadata__</c> map of strings, then the data. The file is memory-mapped
/// and each tensor is read from the map when asked for, so a sharded 7B model is never copied whole into memory.
/// </summary>
/// <remarks>
/// The header is checked before anything is read: N must fit in the file (and stay under 100 MB, the reference
/// implementation's limit), the JSON must parse, every dtype must be known, every shape non-negative with a product that
/// does not overflow, every byte range inside the data and exactly the size its dtype and shape need, and no two ranges
/// may overlap. A violation is an <see cref="InputException"/> naming the file and the tensor. Dispose to unmap.
/// Not thread-safe.
/// </remarks>
public sealed class SafetensorsFile : IDisposable
{
    const long MaxHeader = 100_000_000;
    readonly MemoryMappedFile _map;
    readonly MemoryMappedViewAccessor _view;

    SafetensorsFile(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, Dictionary<string, SafetensorsTensorInfo> tensors,
        Dictionary<string, string> metadata)
    {
        (Path, _map, _view, Tensors, Metadata) = (path, map, view, tensors, metadata);
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensorInfo> Tensors { get; }

    /// <summary>The <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Bytes per element of the dtypes LlmLab knows (the format defines more; they are reported by name).</summary>
    public static int? ElementSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => null,
    };

    /// <summary>Opens and checks <paramref name="path"/>.</summary>
    /// <exception cref="InputException">A missing file or a header the remarks reject.</exception>
    public static SafetensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new InputException($"safetensors file '{path}' does not exist");
        long length = new FileInfo(path).Length;
        string Bad(string what) => $"safetensors file '{path}' {what}";
        if (length < 8) throw new InputException(Bad($"is {length} bytes long, shorter than its 8-byte header length: the file " +
            $"is truncated"));
        var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        var view = map.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        try
        {
            ulong n = view.ReadUInt64(0);
            if (n > (ulong)(length - 8) || n > MaxHeader)
                throw new InputException(Bad($"says its header is {n} bytes but the file has {length - 8} after the length: it " +
                    $"is truncated or not safetensors"));
            var header = new byte[n];
            view.ReadArray(8, header, 0, (int)n);
            long dataStart = 8 + (long)n, dataLength = length - dataStart;
            var tensors = new Dictionary<string, SafetensorsTensorInfo>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            JsonElement root;
            try { root = JsonDocument.Parse(header).RootElement.Clone(); }
            catch (JsonException e) { throw new InputException(Bad($"has a header that is not valid JSON " +
                $"({e.Message.Split('\n')[0]})"), e); }
            if (root.ValueKind != JsonValueKind.Object) throw new InputException(Bad("has a header that is not a JSON object"));
            foreach (var entry in root.EnumerateObject())
            {
                if (entry.Name == "__metadata__")
                {
                    if (entry.Value.ValueKind != JsonValueKind.Object) throw new InputException(Bad("has a __metadata__ that is " +
                        "not an object"));
                    foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                    continue;
                }
                tensors[entry.Name] = Info(entry.Name, entry.Value, dataStart, dataLength, Bad);
            }
            var ranges = tensors.Values.Where(t => t.End > t.Begin).OrderBy(t => t.Begin).ToList();
            for (int i = 1; i < ranges.Count; i++)
                if (ranges[i].Begin < ranges[i - 1].End)
                    throw new InputException(Bad($"has tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' whose data " +
                        $"overlap: the header lies"));
            return new SafetensorsFile(path, map, view, tensors, metadata);
        }
        catch
        {
            view.Dispose();
            map.Dispose();
            throw;
        }
    }

    static SafetensorsTensorInfo Info(string name, JsonElement e, long dataStart, long dataLength, Func<string, string> bad)
    {
        try
        {
            string dtype = e.GetProperty("dtype").GetString() ?? "";
            int size = ElementSize(dtype) ?? throw new InputException(bad($"tensor '{name}' has dtype '{dtype}', which " +
                $"safetensors does not define"));
            long[] shape = e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            long[] offsets = e.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            if (shape.Any(d => d < 0)) throw new InputException(bad($"tensor '{name}' has a negative dimension"));
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength)
                throw new InputException(bad($"tensor '{name}' has data_offsets [{string.Join(", ", offsets)}] outside the " +
                    $"{dataLength} bytes of data: the file is truncated or the header lies"));
            long elements;
            try { elements = shape.Aggregate(1L, (a, d) => checked(a * d)); }
            catch (OverflowException) { throw new InputException(bad($"tensor '{name}' has a shape whose product overflows")); }
            if (offsets[1] - offsets[0] != elements * size)
                throw new InputException(bad($"tensor '{name}' is {dtype} [{string.Join(", ", shape)}] ({elements * size} " +
                    $"bytes) but its range holds {offsets[1] - offsets[0]}"));
            return new SafetensorsTensorInfo(name, dtype, shape, dataStart + offsets[0], dataStart + offsets[1]);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException(bad($"tensor '{name}' needs dtype (string), shape and data_offsets (integers)"), ex);
        }
    }

    /// <summary>The values of <paramref name="name"/> as fp32 (F32 read as is; F16 and BF16 widened exactly).</summary>
    /// <exception cref="InputException">No such tensor, or a dtype other than F32/F16/BF16.</exception>
    public float[] ReadFloats(string name)
    {
        var t = Tensors.TryGetValue(name, out var info) ? info : throw new InputException($"safetensors file '{Path}' has no " +
            $"tensor '{name}'");
        long n = t.Elements;
        var result = new float[n];
        switch (t.Dtype)
        {
            case "F32":
                _view.ReadArray(t.Begin, result, 0, (int)n);
                break;
            case "F16":
            case "BF16":
                var raw = new ushort[n];
                _view.ReadArray(t.Begin, raw, 0, (int)n);
                for (long i = 0; i < n; i++)
                    result[i] = t.Dtype == "F16" ? (float)BitConverter.UInt16BitsToHalf(raw[i])
                        : BitConverter.Int32BitsToSingle(raw[i] << 16); // bf16 = the top half of an fp32
                break;
            default:
                throw new InputException($"safetensors file '{Path}': tensor '{name}' is {t.Dtype}; LlmLab loads F32, F16 and " +
                    $"BF16 weights");
        }
        return result;
    }

    /// <summary>Unmaps the file.</summary>
    public void Dispose()
    {
        _view.Dispose();
        _map.Dispose();
    }
}
