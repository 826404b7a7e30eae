namespace LlmLab.Text;

/// <summary>Opens a corpus by path (temporary minimal version; replaced by the full readers).</summary>
public static class Corpora
{
    public static IDocumentSource Open(string? path, string? field = null) => throw new NotSupportedException("corpora: pending");
}
