using LlmLab.Retrieval.Embeddings;
using Microsoft.ML.Tokenizers;

namespace LlmLab.Retrieval.Chunking;

/// <summary>
/// Counts WordPiece tokens of single whitespace-separated words, with a cache. Exact for BERT tokenizers, whose
/// pre-tokenizer splits on whitespace first, so a text's count is the sum of its words' counts. Not thread-safe.
/// </summary>
public sealed class WordPieceCounter
{
    readonly BertTokenizer _tokenizer;
    readonly Dictionary<string, int> _cache = new(StringComparer.Ordinal);

    /// <summary>Counts with the given tokenizer.</summary>
    public WordPieceCounter(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>A counter with all-MiniLM-L6-v2's vocabulary (reads the vocabulary only; no ONNX session).</summary>
    public static WordPieceCounter CreateMiniLm()
    {
        using var vocab = MiniLmModel.OpenVocabulary();
        return new WordPieceCounter(BertTokenizer.Create(vocab, new BertOptions { LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true }));
    }

    /// <summary>Tokens in one word (no whitespace inside).</summary>
    public int Count(string word)
    {
        if (_cache.TryGetValue(word, out int n)) return n;
        n = _tokenizer.EncodeToIds(word, addSpecialTokens: false, considerPreTokenization: true, considerNormalization: true).Count;
        if (_cache.Count < 1_000_000) _cache[word] = n;
        return n;
    }
}
