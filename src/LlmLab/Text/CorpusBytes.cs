using System.Text;

namespace LlmLab.Text;

/// <summary>
/// A corpus as one UTF-8 byte array — documents joined by a newline — for byte-level models (vocabulary 256, no
/// tokenizer needed). Reads only as many documents as fit in <c>maxBytes</c>, so it never holds more than that.
/// </summary>
public static class CorpusBytes
{
    /// <summary>The first <paramref name="maxBytes"/> bytes of the train or validation part of <paramref name="source"/>
    /// (see <see cref="CorpusSplit"/>), cut at a document boundary when possible.</summary>
    public static byte[] Load(IDocumentSource source, long maxBytes, bool validation = false)
    {
        if (maxBytes < 1) throw new ArgumentOutOfRangeException(nameof(maxBytes), $"maxBytes must be >= 1 (got {maxBytes})");
        var part = validation ? source.Validation() : source.Train();
        using var buffer = new MemoryStream();
        foreach (var doc in part.Read())
        {
            byte[] bytes = Encoding.UTF8.GetBytes(doc.Text + "\n");
            long room = maxBytes - buffer.Length;
            if (room <= 0) break;
            buffer.Write(bytes, 0, (int)Math.Min(bytes.Length, room));
        }
        if (buffer.Length == 0)
            throw new InputException($"corpus '{part.Name}' has no text to train on; give a corpus with some documents (--corpus FILE)");
        return buffer.ToArray();
    }
}
