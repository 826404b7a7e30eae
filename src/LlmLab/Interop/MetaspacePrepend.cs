namespace LlmLab.Interop;

/// <summary>Where a <see cref="ByteFallbackBpeTokenizer"/> puts a '▁' before a segment of text (Hugging Face's Metaspace
/// <c>prepend_scheme</c>).</summary>
public enum MetaspacePrepend
{
    /// <summary>Before every segment between added tokens that does not already start with '▁' (Metaspace's <c>always</c>).</summary>
    Always,

    /// <summary>Before every segment, even one that starts with '▁' (the <c>Prepend</c> normaliser of Llama 2's files, which
    /// SentencePiece's dummy prefix also is: " hello" becomes "▁▁hello").</summary>
    Unconditional,

    /// <summary>Before the segment at the very start of the text only (not after an added token).</summary>
    First,

    /// <summary>Never.</summary>
    Never,
}
