namespace LlmLab.Tokenization;

/// <summary>What <see cref="CharTokenizer"/> does with a character its vocabulary lacks.</summary>
public enum UnknownCharPolicy
{
    /// <summary>Throw <see cref="InputException"/> naming the character and where it is (the default: no silent loss).</summary>
    Error,
    /// <summary>Encode it as the &lt;unk&gt; id (the last id), which decodes to U+FFFD.</summary>
    Unk,
    /// <summary>Leave it out.</summary>
    Skip,
}
