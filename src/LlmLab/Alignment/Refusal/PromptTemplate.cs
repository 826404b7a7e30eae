using System.Globalization;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// A generator template of lab 7.3's refusal data: a pattern with slots <c>{0}</c>, <c>{1}</c>… each filled from its
/// list, and, for a safe prompt, the helpful reply's pattern over the same slots (an unsafe prompt's reply is the
/// policy's refusal). Immutable.
/// </summary>
/// <param name="Pattern">The prompt with <c>{i}</c> slots (composite format, invariant culture).</param>
/// <param name="Slots">The values of each slot.</param>
/// <param name="Reply">The safe prompt's helpful reply pattern (same slots), or null for an unsafe template.</param>
/// <remarks>Every prompt is also framed by one of five openings and five closings shared by all templates, safe and
/// unsafe alike (so the framing carries no label): more surface variety, and phrasings real users add.</remarks>
public sealed record PromptTemplate(string Pattern, IReadOnlyList<IReadOnlyList<string>> Slots, string? Reply = null)
{
    static readonly string[] Openings = ["", "quick question: ", "please tell me, ", "honestly, ", "I need to know: "];
    static readonly string[] Closings = ["", " Be specific.", " Step by step, please.", " Thanks!", " Keep it short."];

    /// <summary>Fills the slots from <paramref name="rng"/>: (prompt, reply or null).</summary>
    public (string Prompt, string? Reply) Fill(Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        object[] values = Slots.Select(s => (object)s[rng.Next(s.Count)]).ToArray();
        string prompt = Frame(string.Format(CultureInfo.InvariantCulture, Pattern, values), rng.Next(Openings.Length),
            rng.Next(Closings.Length));
        return (prompt, Reply is null ? null : string.Format(CultureInfo.InvariantCulture, Reply, values));
    }

    /// <summary>Every prompt the template can produce (slot values in order): what a decontamination test compares.</summary>
    public IEnumerable<string> All()
    {
        IEnumerable<object[]> combos = [[]];
        foreach (var slot in Slots) combos = combos.SelectMany(c => slot.Select(v => c.Append(v).ToArray()));
        foreach (var c in combos)
            for (int o = 0; o < Openings.Length; o++)
                for (int e = 0; e < Closings.Length; e++) yield return Frame(string.Format(CultureInfo.InvariantCulture, Pattern, c), o, e);
    }

    static string Frame(string core, int opening, int closing)
    {
        string s = Openings[opening] + core + Closings[closing];
        return char.ToUpperInvariant(s[0]) + s[1..];
    }

    /// <summary>How many distinct prompts the template can produce (the product of its slot sizes).</summary>
    public long Variety => Slots.Aggregate(1L, (n, s) => n * s.Count) * Openings.Length * Closings.Length;
}
