using System.Text;
using System.Text.Json;

namespace LlmLab.Data.Dedup;

/// <summary>The header every stage file starts with: magic, format version, settings, and run ids that tie a file to
/// the input it was made from.</summary>
internal sealed record StageHeader(SortedDictionary<string, string> Settings, Guid Run, Guid Input);

/// <summary>
/// Reading and writing stage-file headers. Layout (little-endian): 4 magic bytes, uint16 version, the settings as a
/// JSON object (a length-prefixed UTF-8 string), the file's run id (16 bytes) and its input's run id (16 bytes;
/// zero for the first stage). Every file of a stage is written to a temporary name and renamed when complete.
/// </summary>
internal static class StageFile
{
    public const ushort Version = 1;
    public static readonly Encoding Utf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    public static void WriteHeader(BinaryWriter w, string magic, IReadOnlyDictionary<string, string> settings, Guid run, Guid input)
    {
        w.Write(Encoding.ASCII.GetBytes(magic));
        w.Write(Version);
        w.Write(JsonSerializer.Serialize(settings));
        w.Write(run.ToByteArray());
        w.Write(input.ToByteArray());
    }

    /// <summary>Reads and checks a header. A missing file, a wrong magic, another version or a cut file is an
    /// <see cref="InputException"/> that names the file and says which stage makes it.</summary>
    public static StageHeader ReadHeader(BinaryReader r, string path, string magic, string madeBy)
    {
        try
        {
            string found = Encoding.ASCII.GetString(r.ReadBytes(4));
            if (found != magic)
                throw new InputException(
                    $"'{path}' is not a {madeBy} file (magic '{found}', expected '{magic}'); run the {madeBy} stage to make it");
            ushort version = r.ReadUInt16();
            if (version != Version)
                throw new InputException(
                    $"'{path}' has format version {version}; this program reads version {Version}: run the {madeBy} stage again");
            var settings = JsonSerializer.Deserialize<SortedDictionary<string, string>>(r.ReadString())
                ?? throw new InputException($"'{path}' has no settings; run the {madeBy} stage again");
            return new StageHeader(new SortedDictionary<string, string>(settings, StringComparer.Ordinal), new Guid(r.ReadBytes(16)),
                new Guid(r.ReadBytes(16)));
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or DecoderFallbackException or ArgumentException)
        {
            throw new InputException($"'{path}' is truncated or damaged ({e.GetType().Name}); run the {madeBy} stage again", e);
        }
    }

    /// <summary>Opens a stage file for reading, with a message naming the stage that makes it when it is missing.</summary>
    public static BinaryReader Open(string path, string madeBy)
    {
        if (!File.Exists(path)) throw new InputException($"'{path}' not found: run the {madeBy} stage first");
        return new BinaryReader(new BufferedStream(File.OpenRead(path), 1 << 16), Utf8);
    }

    /// <summary>The header of a stage file, without reading the rest.</summary>
    public static StageHeader ReadHeaderOnly(string path, string magic, string madeBy)
    {
        using var r = Open(path, madeBy);
        return ReadHeader(r, path, magic, madeBy);
    }

    /// <summary>Wraps a read that ran past the end of a cut file into an <see cref="InputException"/>.</summary>
    public static T Guard<T>(string path, string madeBy, Func<T> read)
    {
        try { return read(); }
        catch (EndOfStreamException e) { throw new InputException($"'{path}' is truncated; run the {madeBy} stage again", e); }
    }
}
