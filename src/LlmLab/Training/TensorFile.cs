using System.Text;
using static TorchSharp.torch;

namespace LlmLab.Training;

/// <summary>
/// Named tensors in one versioned binary file, the payload of a checkpoint (model weights, optimizer moments). Layout,
/// little-endian:
/// <code>
/// offset  size  field
///      0     4  magic "LLTS"
///      4     4  version (u32) = 1
///      8     4  tensor count n (u32)
///     then n records: name length (u16) + UTF-8 name, dtype (u8, libtorch's ScalarType code), rank r (u8),
///                     r dims (i64 each), payload length (i64), payload (the tensor's bytes, C-contiguous)
/// </code>
/// Reading checks the magic, the version and every length against the dtype and shape, so a truncated or foreign file
/// is an <see cref="InputException"/>, never a silently short tensor. Writing is the caller's to make atomic (a
/// checkpoint writes it inside a temporary directory). Stateless; thread-safe.
/// </summary>
public static class TensorFile
{
    static ReadOnlySpan<byte> Magic => "LLTS"u8;

    /// <summary>The only version this code writes and reads.</summary>
    public const uint Version = 1;

    /// <summary>Writes <paramref name="tensors"/> (copied to the CPU; the caller keeps ownership) to <paramref name="stream"/>.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        var list = tensors.ToList();
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((uint)list.Count);
        foreach (var (name, tensor) in list)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(name);
            if (utf8.Length > ushort.MaxValue) throw new ArgumentException($"tensor name '{name[..40]}…' is longer than {ushort.MaxValue} bytes");
            w.Write((ushort)utf8.Length);
            w.Write(utf8);
            w.Write((byte)tensor.dtype);
            w.Write((byte)tensor.dim());
            foreach (long d in tensor.shape) w.Write(d);
            using var cpu = tensor.detach().cpu().contiguous();
            var bytes = cpu.bytes;
            w.Write((long)bytes.Length);
            w.Write(bytes);
        }
    }

    /// <summary>Writes <paramref name="tensors"/> to a new file at <paramref name="path"/> (not atomically).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors)
    {
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        Write(fs, tensors);
        fs.Flush(flushToDisk: true);
    }

    /// <summary>Every tensor of the file at <paramref name="path"/>, on the CPU, in file order. The caller owns them
    /// (they leave any dispose scope): dispose each.</summary>
    /// <exception cref="InputException">Not a tensor file, another version, or a truncated or inconsistent record.</exception>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var r = new BinaryReader(fs, Encoding.UTF8);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            Span<byte> magic = stackalloc byte[4];
            if (fs.Read(magic) != 4 || !magic.SequenceEqual(Magic))
                throw new InputException($"'{path}' is not a tensor file of ours (no LLTS header): point at a checkpoint written by llmlab");
            uint version = r.ReadUInt32();
            if (version != Version) throw new InputException($"'{path}': tensor file version {version}, this build reads version {Version}: use a matching llmlab");
            uint count = r.ReadUInt32();
            for (uint i = 0; i < count; i++)
            {
                string name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadUInt16()));
                var dtype = (ScalarType)r.ReadByte();
                int rank = r.ReadByte();
                var shape = new long[rank];
                for (int k = 0; k < rank; k++) shape[k] = r.ReadInt64();
                long length = r.ReadInt64();
                long expected = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype, path);
                if (length != expected || length > fs.Length - fs.Position)
                    throw new InputException($"'{path}': tensor '{name}' claims {length:N0} bytes for shape ({string.Join(", ", shape)}) {dtype}; the file is truncated or damaged");
                var t = empty(shape, dtype);
                byte[] buffer = r.ReadBytes((int)length);
                if (buffer.Length != length) throw new InputException($"'{path}': tensor '{name}' is cut short; the file is truncated");
                t.bytes = buffer;
                result.Add(name, t.DetachFromDisposeScope());
            }
            return result;
        }
        catch (EndOfStreamException)
        {
            foreach (var t in result.Values) t.Dispose();
            throw new InputException($"'{path}' ends early: the tensor file is truncated (an interrupted write?)");
        }
        catch
        {
            foreach (var t in result.Values) t.Dispose();
            throw;
        }
    }

    static long ElementSize(ScalarType dtype, string path) => dtype switch
    {
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        ScalarType.Byte or ScalarType.Int8 or ScalarType.Bool => 1,
        _ => throw new InputException($"'{path}': unsupported tensor dtype {dtype}"),
    };
}
