using LlmLab.Inference;
using LlmLab.Runtime;

namespace LlmLab.Alignment;

/// <summary>
/// Preference pairs made from lab 7.1's task families. The chosen reply is always one the family's checker accepts (the
/// reference); the rejected one is a reply the checker refuses, of one of these kinds (every candidate is graded, and
/// one the checker accepts, or equal to the chosen text, is never used):
/// <list type="bullet">
/// <item><b>other-answer</b>: the reference reply of another question of the same family — right format, wrong answer
/// (the most plausible mistake);</item>
/// <item><b>corrupted</b>: the reference with one digit changed (a near miss), or, with no digit, two characters swapped;</item>
/// <item><b>truncated</b>: the first half of the reference (malformed: cut JSON, a half number);</item>
/// <item><b>sampled</b> (<see cref="OnPolicy"/>): the SFT model's own sampled reply when the checker refuses it — the
/// on-policy negatives that make DPO's data look like what the policy actually says.</item>
/// </list>
/// Stateless and thread-safe (the engine serialises its callers).
/// </summary>
public static class PreferencePairs
{
    /// <summary>One pair per example of <paramref name="examples"/> (with a known family) whose reference some synthetic
    /// mistake can be made for, the kinds taken in turn; other answers come from the same examples.</summary>
    public static IReadOnlyList<PreferencePair> Synthetic(IReadOnlyList<SyntheticExample> examples, int seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var rng = Seeding.Stream(seed, "preference-synthetic");
        var byFamily = examples.GroupBy(x => x.Family).ToDictionary(g => g.Key, g => g.ToArray());
        var pairs = new List<PreferencePair>();
        for (int i = 0; i < examples.Count; i++)
        {
            var x = examples[i];
            var family = TaskFamilies.ByName(x.Family);
            string chosen = x.ReferenceText;
            foreach (string kind in Rotate(["other-answer", "corrupted", "truncated"], i))
            {
                string? rejected = kind switch
                {
                    "other-answer" => byFamily[x.Family][rng.Next(byFamily[x.Family].Length)].ReferenceText,
                    "corrupted" => Corrupt(chosen, rng),
                    _ => chosen.Length >= 2 ? chosen[..(chosen.Length / 2)] : null,
                };
                if (rejected is null || rejected.Trim().Length == 0 || rejected == chosen || family.Check(chosen, rejected).Correct) continue;
                pairs.Add(new PreferencePair(x.Prompt, chosen, rejected, x.Family, x.Template, kind));
                break;
            }
        }
        return pairs;
    }

    /// <summary>
    /// On-policy negatives: <paramref name="samples"/> replies per example sampled from the engine's model (temperature
    /// 1, per-request seeds from <paramref name="seed"/>) through <paramref name="template"/>; the first one the checker
    /// refuses becomes the rejected reply, the reference the chosen. Examples the model always gets right give no pair.
    /// Returns the pairs and the tokens generated.
    /// </summary>
    public static (IReadOnlyList<PreferencePair> Pairs, long Tokens) OnPolicy(GenerationEngine engine, ChatTemplate template,
        IReadOnlyList<SyntheticExample> examples, int samples, int maxTokens, int seed)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(examples);
        var stops = template.StopTokenIds(engine.Tokenizer);
        var requests = new List<(IReadOnlyList<int>, SamplingParams)>();
        for (int i = 0; i < examples.Count; i++)
        {
            var ids = template.Encode(examples[i].Prompt, engine.Tokenizer, addGenerationPrompt: true).Ids;
            for (int s = 0; s < samples; s++)
                requests.Add((ids, new SamplingParams(Temperature: 1, MaxTokens: maxTokens, StopTokens: stops, Seed: Seeding.DeriveSeed(seed, $"onpolicy-{i}-{s}"))));
        }
        // Static batches of 64: one batch of thousands would pad every row to the longest prompt and hold all their caches.
        var results = requests.Chunk(64).SelectMany(chunk => engine.GenerateBatch(chunk)).ToArray();
        var pairs = new List<PreferencePair>();
        long tokens = results.Sum(r => (long)r.Tokens.Count);
        for (int i = 0; i < examples.Count; i++)
        {
            var x = examples[i];
            var family = TaskFamilies.ByName(x.Family);
            string chosen = x.ReferenceText;
            for (int s = 0; s < samples; s++)
            {
                string reply = results[i * samples + s].Text.Trim();
                if (reply.Length == 0 || reply == chosen || family.Check(chosen, reply).Correct) continue;
                pairs.Add(new PreferencePair(x.Prompt, chosen, reply, x.Family, x.Template, "sampled"));
                break;
            }
        }
        return (pairs, tokens);
    }

    /// <summary>One digit changed to another (a near miss), or two neighbouring characters swapped when there is no
    /// digit; null when the text is too short.</summary>
    public static string? Corrupt(string text, Random rng)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(rng);
        var digits = Enumerable.Range(0, text.Length).Where(i => char.IsAsciiDigit(text[i])).ToArray();
        var chars = text.ToCharArray();
        if (digits.Length > 0)
        {
            int at = digits[rng.Next(digits.Length)];
            chars[at] = (char)('0' + (chars[at] - '0' + 1 + rng.Next(9)) % 10);
            return new string(chars);
        }
        var letters = Enumerable.Range(0, text.Length - 1).Where(i => char.IsLetter(text[i]) && char.IsLetter(text[i + 1]) && text[i] != text[i + 1]).ToArray();
        if (letters.Length == 0) return null;
        int j = letters[rng.Next(letters.Length)];
        (chars[j], chars[j + 1]) = (chars[j + 1], chars[j]);
        return new string(chars);
    }

    static IEnumerable<string> Rotate(string[] kinds, int start) => Enumerable.Range(0, kinds.Length).Select(k => kinds[(start + k) % kinds.Length]);
}
