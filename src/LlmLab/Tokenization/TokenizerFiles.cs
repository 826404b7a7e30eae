namespace LlmLab.Tokenization;

/// <summary>Opens a tokenizer by name or path, the way the CLI's <c>--tokenizer</c> option takes it.</summary>
public static class TokenizerFiles
{
    /// <summary>A pretrained vocabulary (<see cref="PretrainedTokenizers.Get"/>: gpt2, cl100k_base), or a file of ours
    /// (byte-level BPE or character, told apart by its header). An existing file of that name wins over a pretrained name.</summary>
    /// <exception cref="InputException">Neither a known name nor a readable tokenizer file.</exception>
    public static ITokenizer Open(string nameOrPath)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
            throw new InputException($"--tokenizer is empty; give a file, or {PretrainedTokenizers.Names}");
        if (!File.Exists(nameOrPath) && PretrainedTokenizers.Get(nameOrPath) is { } pretrained) return pretrained;
        if (!File.Exists(nameOrPath))
            throw new InputException(
                $"tokenizer file '{nameOrPath}' not found; give a file written by 'llmlab tokenizer train', " +
                $"or {PretrainedTokenizers.Names}");
        var (kind, payload) = TokenizerFileFormat.Read(nameOrPath);
        return kind == TokenizerFileFormat.KindBpe ? BpeFile.FromPayload(nameOrPath, payload) : CharTokenizer.FromPayload(nameOrPath,
            payload);
    }
}
