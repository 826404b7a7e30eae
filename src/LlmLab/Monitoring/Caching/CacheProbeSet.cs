using System.Globalization;
using System.Text.Json.Nodes;
using LlmLab.Text;

namespace LlmLab.Monitoring.Caching;

/// <summary>
/// Questions built to measure a response cache's hit and false-hit rates (lab 10.3): groups of a base question, an exact
/// repeat, paraphrases that must hit, and near misses that must not — a negation, a changed number, another entity —
/// each with its true answer, computed here (sums, comparisons, unit conversions, word reversals, day arithmetic) or from
/// a fixed table of capitals. Also reads a set from JSONL (<c>{"group", "kind", "question", "answer"}</c>), so any
/// question set in that format can be measured. Stateless.
/// </summary>
public static class CacheProbeSet
{
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    // Capitals of countries (public facts); paired so that an "entity" variant names a different country.
    static readonly (string Country, string Capital)[] Capitals =
    [
        ("France", "Paris"), ("Spain", "Madrid"), ("Italy", "Rome"), ("Germany", "Berlin"), ("Portugal", "Lisbon"), ("Austria", "Vienna"),
        ("Norway", "Oslo"), ("Sweden", "Stockholm"), ("Finland", "Helsinki"), ("Poland", "Warsaw"), ("Greece", "Athens"), ("Ireland", "Dublin"),
        ("Japan", "Tokyo"), ("Egypt", "Cairo"), ("Peru", "Lima"), ("Kenya", "Nairobi"), ("Canada", "Ottawa"), ("Chile", "Santiago"),
    ];

    static readonly string[] Words = ["garden", "planet", "silver", "window", "basket", "rocket", "candle", "forest", "bridge", "pencil",
        "marble", "lemon", "tiger", "castle", "dragon", "violin"];

    static readonly string[] Days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

    /// <summary>Makes <paramref name="groups"/> groups, cycling through six kinds of question, drawn from <paramref name="seed"/>.</summary>
    public static IReadOnlyList<CacheProbe> Generate(int groups, int seed)
    {
        if (groups < 1) throw new InputException($"a probe set needs at least 1 group (got {groups})");
        var rng = new Random(seed);
        var list = new List<CacheProbe>();
        for (int g = 0; g < groups; g++) list.AddRange(Group($"g{g:000}", g % 6, rng));
        return list;
    }

    static IEnumerable<CacheProbe> Group(string id, int kind, Random rng)
    {
        CacheProbe P(ProbeKind k, string q, object a) => new(id, k, q, Convert.ToString(a, C)!);
        switch (kind)
        {
            case 0: // sums
            {
                int a = rng.Next(10, 90), b = rng.Next(10, 90), d = rng.Next(1, 9);
                yield return P(ProbeKind.Base, $"What is {a} plus {b}?", a + b);
                yield return P(ProbeKind.Repeat, $"What is  {a} plus {b}? ", a + b);
                yield return P(ProbeKind.Paraphrase, $"What do you get when you add {a} and {b}?", a + b);
                yield return P(ProbeKind.Paraphrase, $"Compute the sum of {a} and {b}.", a + b);
                yield return P(ProbeKind.Number, $"What is {a} plus {b + d}?", a + b + d);
                yield return P(ProbeKind.Negation, $"What is {a} minus {b}?", a - b);
                break;
            }
            case 1: // comparisons
            {
                int a = rng.Next(10, 99), b;
                do b = rng.Next(10, 99); while (b == a);
                string yes = a > b ? "yes" : "no", no = a > b ? "no" : "yes";
                yield return P(ProbeKind.Base, $"Is {a} greater than {b}?", yes);
                yield return P(ProbeKind.Repeat, $"Is {a}  greater than {b}? ", yes);
                yield return P(ProbeKind.Paraphrase, $"Is {a} larger than {b}?", yes);
                yield return P(ProbeKind.Negation, $"Is {a} not greater than {b}?", no);
                yield return P(ProbeKind.Negation, $"Is {a} smaller than {b}?", no);
                yield return P(ProbeKind.Number, $"Is {a} greater than {(a > b ? a + rng.Next(1, 9) : a - rng.Next(1, 9))}?", no);
                break;
            }
            case 2: // unit conversions
            {
                int k = rng.Next(2, 40), d = rng.Next(1, 9);
                yield return P(ProbeKind.Base, $"How many meters are in {k} kilometers?", k * 1000);
                yield return P(ProbeKind.Repeat, $"How many meters  are in {k} kilometers?", k * 1000);
                yield return P(ProbeKind.Paraphrase, $"Convert {k} kilometers to meters.", k * 1000);
                yield return P(ProbeKind.Number, $"How many meters are in {k + d} kilometers?", (k + d) * 1000);
                yield return P(ProbeKind.Entity, $"How many centimeters are in {k} kilometers?", k * 100_000);
                yield return P(ProbeKind.Entity, $"How many meters are in {k} miles?", (k * 1609.344).ToString("0.###", C));
                break;
            }
            case 3: // capitals
            {
                int i = rng.Next(Capitals.Length), j;
                do j = rng.Next(Capitals.Length); while (j == i);
                var (country, capital) = Capitals[i];
                yield return P(ProbeKind.Base, $"What is the capital of {country}?", capital);
                yield return P(ProbeKind.Repeat, $"What is the capital of {country}?\n", capital);
                yield return P(ProbeKind.Paraphrase, $"Which city is the capital of {country}?", capital);
                yield return P(ProbeKind.Paraphrase, $"Name the capital city of {country}.", capital);
                yield return P(ProbeKind.Entity, $"What is the capital of {Capitals[j].Country}?", Capitals[j].Capital);
                yield return P(ProbeKind.Negation, $"Is {capital} not the capital of {country}?", "no");
                break;
            }
            case 4: // word reversal
            {
                int i = rng.Next(Words.Length), j;
                do j = rng.Next(Words.Length); while (j == i);
                string w = Words[i], v = Words[j];
                yield return P(ProbeKind.Base, $"Reverse the word {w}.", Reverse(w));
                yield return P(ProbeKind.Repeat, $" Reverse the word {w}.", Reverse(w));
                yield return P(ProbeKind.Paraphrase, $"Spell the word {w} backwards.", Reverse(w));
                yield return P(ProbeKind.Entity, $"Reverse the word {v}.", Reverse(v));
                yield return P(ProbeKind.Negation, $"Do not reverse the word {w}; repeat it.", w);
                yield return P(ProbeKind.Entity, $"Reverse the word {w}s.", Reverse(w + "s"));
                break;
            }
            default: // day arithmetic
            {
                int day = rng.Next(7), n = rng.Next(2, 6), d = rng.Next(1, 3);
                string after = Days[(day + n) % 7];
                yield return P(ProbeKind.Base, $"What day is it {n} days after {Days[day]}?", after);
                yield return P(ProbeKind.Repeat, $"What day is it {n} days  after {Days[day]}?", after);
                yield return P(ProbeKind.Paraphrase, $"If today is {Days[day]}, what day will it be in {n} days?", after);
                yield return P(ProbeKind.Negation, $"What day was it {n} days before {Days[day]}?", Days[((day - n) % 7 + 7) % 7]);
                yield return P(ProbeKind.Number, $"What day is it {n + d} days after {Days[day]}?", Days[(day + n + d) % 7]);
                yield return P(ProbeKind.Entity, $"What day is it {n} days after {Days[(day + 1) % 7]}?", Days[(day + 1 + n) % 7]);
                break;
            }
        }
    }

    static string Reverse(string s) => new(s.Reverse().ToArray());

    /// <summary>Reads a probe set: one JSON object per line with <c>group</c>, <c>kind</c> (base, repeat, paraphrase,
    /// negation, number, entity), <c>question</c> and <c>answer</c>; each group needs exactly one base.</summary>
    /// <exception cref="InputException">A bad line or group, named by file and line.</exception>
    public static IReadOnlyList<CacheProbe> Load(string path)
    {
        var probes = JsonlLines.ReadAll(path, "cache probe file", (line, where) =>
        {
            var o = JsonlLines.Object(line, where, "{\"group\", \"kind\", \"question\", \"answer\"}");
            string Field(string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0 ? s
                : throw new InputException($"{where}: field '{name}' must be a non-empty string");
            string kind = Field("kind");
            return new CacheProbe(Field("group"), Enum.TryParse<ProbeKind>(kind, ignoreCase: true, out var k) ? k
                : throw new InputException($"{where}: kind '{kind}' is not one of base, repeat, paraphrase, negation, number, entity"),
                Field("question"), Field("answer"));
        }, "probe: each line needs group, kind, question, answer");
        foreach (var g in probes.GroupBy(p => p.Group))
            if (g.Count(p => p.Kind == ProbeKind.Base) != 1)
                throw new InputException($"{path}: group '{g.Key}' has {g.Count(p => p.Kind == ProbeKind.Base)} base questions: give exactly one");
        return probes;
    }
}
