namespace LlmLab.Tokenization;

/// <summary>
/// GPT-2's reversible map from bytes to printable characters (openai/gpt-2, <c>encoder.py</c>, <c>bytes_to_unicode</c>),
/// which lets vocab.json and merges.txt hold arbitrary bytes as text: the bytes '!'–'~', '¡'–'¬' and '®'–'ÿ' stand for
/// themselves; the other 68 (controls, space, DEL, NBSP, soft hyphen) become U+0100, U+0101, … in byte order, so a space
/// is 'Ġ' (U+0120) and a newline 'Ċ' (U+010A).
/// </summary>
internal static class ByteUnicodeMap
{
    static readonly char[] ToChar = Build();
    static readonly Dictionary<char, byte> ToByte = Enumerable.Range(0, 256).ToDictionary(b => ToChar[b], b => (byte)b);

    static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>The bytes a mapped string stands for; null when it holds a character outside the map.</summary>
    public static byte[]? Decode(string text)
    {
        var bytes = new byte[text.Length];
        for (int i = 0; i < text.Length; i++)
        {
            if (!ToByte.TryGetValue(text[i], out byte b)) return null;
            bytes[i] = b;
        }
        return bytes;
    }
}
