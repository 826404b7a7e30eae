using System.Text;
using LlmLab.Text;

namespace LlmLab.Training;

/// <summary>
/// A corpus split as one string (documents joined by a newline), for models that need characters rather than bytes:
/// <see cref="CorpusBytes"/> read up to a byte limit and decoded, without the partial character the limit may cut.
/// </summary>
public static class CorpusText
{
    /// <summary>The first <paramref name="maxBytes"/> UTF-8 bytes (or slightly fewer) of the train or validation part
    /// of <paramref name="source"/>, as text.</summary>
    /// <exception cref="InputException">The part has no text.</exception>
    public static string Load(IDocumentSource source, long maxBytes, bool validation = false) =>
        Decode(CorpusBytes.Load(source, maxBytes, validation));

    /// <summary>UTF-8 bytes → text, dropping an incomplete sequence at the very end (a cut through a character).</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        int end = bytes.Length;
        // Walk back over continuation bytes (10xxxxxx) to the lead byte of the last character; cut it if it is short.
        int lead = end - 1;
        while (lead >= 0 && end - lead < 4 && (bytes[lead] & 0xC0) == 0x80) lead--;
        if (lead >= 0)
        {
            byte b = bytes[lead];
            int need = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            if (lead + need > end) end = lead;
        }
        return Encoding.UTF8.GetString(bytes[..end]);
    }
}
