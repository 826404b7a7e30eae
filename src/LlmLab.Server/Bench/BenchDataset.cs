using System.Text.Json;

namespace LlmLab.Server.Bench;

/// <summary>
/// Where benchmark prompts come from: a synthetic set (seeded random words, prompt and output lengths drawn uniformly
/// from ranges, as vLLM's <c>benchmark_serving --dataset-name random</c>) or a file — JSON lines with <c>prompt</c>
/// and optional <c>max_tokens</c>, or plain text with one prompt per line. Stateless and thread-safe.
/// </summary>
public static class BenchDataset
{
    static readonly string[] Words = ["the", "model", "serves", "tokens", "batch", "cache", "queue", "latency", "of", "and", "a", "request", "server", "step"];

    /// <summary><paramref name="count"/> prompts of [minWords, maxWords] words asking for [minTokens, maxTokens] tokens.</summary>
    public static IReadOnlyList<BenchPrompt> Synthetic(int count, int seed, int minWords = 4, int maxWords = 24, int minTokens = 8, int maxTokens = 64)
    {
        if (count < 1) throw new InputException($"--requests must be >= 1 (got {count})");
        if (minWords < 1 || maxWords < minWords || minTokens < 1 || maxTokens < minTokens)
            throw new InputException($"synthetic ranges must be 1 <= min <= max (words {minWords}..{maxWords}, tokens {minTokens}..{maxTokens})");
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
            new BenchPrompt(string.Join(' ', Enumerable.Range(0, rng.Next(minWords, maxWords + 1)).Select(_ => Words[rng.Next(Words.Length)])),
                rng.Next(minTokens, maxTokens + 1))).ToArray();
    }

    /// <summary>Prompts from <paramref name="path"/>, cycled to <paramref name="count"/>; <paramref name="maxTokens"/>
    /// where a line gives none.</summary>
    /// <exception cref="InputException">A missing or empty file, or a JSON line without a string <c>prompt</c> (line named).</exception>
    public static IReadOnlyList<BenchPrompt> Load(string path, int count, int maxTokens)
    {
        if (!File.Exists(path)) throw new InputException($"dataset '{path}' not found: give a .jsonl file ({{\"prompt\": ..., \"max_tokens\": ...}} per line), a text file (one prompt per line) or 'synthetic'");
        var items = new List<BenchPrompt>();
        int n = 0;
        foreach (var line in File.ReadLines(path))
        {
            n++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            if (!path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)) { items.Add(new BenchPrompt(line, maxTokens)); continue; }
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                string prompt = root.GetProperty("prompt").GetString() ?? throw new InputException($"{path}:{n}: prompt must be a string");
                int max = root.TryGetProperty("max_tokens", out var m) ? m.GetInt32() : maxTokens;
                items.Add(new BenchPrompt(prompt, max));
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                throw new InputException($"{path}:{n}: expected {{\"prompt\": \"...\", \"max_tokens\": N}} ({e.Message})");
            }
        }
        if (items.Count == 0) throw new InputException($"dataset '{path}' has no prompt");
        return Enumerable.Range(0, count).Select(i => items[i % items.Count]).ToArray();
    }
}
