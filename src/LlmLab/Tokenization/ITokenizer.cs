namespace LlmLab.Tokenization;

/// <summary>Text ↔ token ids. Implementations are immutable after construction and thread-safe.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids: one more than the largest id (special tokens included).</summary>
    int VocabSize { get; }

    /// <summary>The ids of <paramref name="text"/>.</summary>
    int[] Encode(string text);

    /// <summary>The text of <paramref name="ids"/>.</summary>
    /// <exception cref="InputException">An id is not in the vocabulary.</exception>
    string Decode(ReadOnlySpan<int> ids);
}
