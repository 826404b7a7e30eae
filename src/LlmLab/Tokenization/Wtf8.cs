using System.Buffers;
using System.Text.Unicode;

namespace LlmLab.Tokenization;

/// <summary>
/// UTF-16 → bytes the way Microsoft.ML.Tokenizers 2.0.1 feeds text to byte-level BPE: UTF-8, except that a lone
/// surrogate (ill-formed UTF-16) becomes the 3-byte sequence of its code unit (ED A0 80 for U+D800) instead of
/// U+FFFD's EF BF BD. This is "generalized UTF-8" (WTF-8); checked against the peer in the parity tests, where
/// "a\uD800b" gives GPT-2 ids [64, 169, 254, 222, 65] (169, 254, 222 = bytes ED A0 80).
/// </summary>
internal static class Wtf8
{
    /// <summary>Bytes needed at most for <paramref name="length"/> UTF-16 code units.</summary>
    public static int MaxBytes(int length) => length * 3;

    /// <summary>Writes the bytes of <paramref name="text"/> to <paramref name="destination"/> (at least
    /// <see cref="MaxBytes"/> long) and returns how many were written.</summary>
    public static int Encode(ReadOnlySpan<char> text, Span<byte> destination)
    {
        int written = 0;
        while (true)
        {
            // Fast path: the vectorised transcoder, which stops at the first ill-formed code unit.
            var status = Utf8.FromUtf16(text, destination[written..], out int read, out int wrote, replaceInvalidSequences: false);
            written += wrote;
            if (status == OperationStatus.Done) return written;
            // InvalidData (a lone surrogate) or NeedMoreData (a high surrogate that ends the text): both are one lone unit.
            uint c = text[read];
            destination[written++] = (byte)(0xE0 | (c >> 12));
            destination[written++] = (byte)(0x80 | ((c >> 6) & 0x3F));
            destination[written++] = (byte)(0x80 | (c & 0x3F));
            text = text[(read + 1)..];
        }
    }
}
