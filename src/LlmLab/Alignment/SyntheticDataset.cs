using LlmLab.Runtime;

namespace LlmLab.Alignment;

/// <summary>
/// A synthetic SFT dataset: training and test conversations from task families, split by template, with every
/// training example that duplicates a test one (exactly or nearly, <see cref="TestSetFilter"/>) dropped and replaced.
/// Duplicates inside each set are dropped too. Immutable.
/// </summary>
/// <param name="Train">Training conversations, families interleaved in a seeded order.</param>
/// <param name="Test">Test conversations, by family.</param>
/// <param name="ExactRemoved">Training draws dropped as exact copies of a test example.</param>
/// <param name="NearRemoved">Training draws dropped as near duplicates of a test example.</param>
public sealed record SyntheticDataset(IReadOnlyList<SyntheticExample> Train, IReadOnlyList<SyntheticExample> Test, int ExactRemoved, int NearRemoved)
{
    /// <summary>The training template indices of <paramref name="family"/> under <paramref name="options"/>.</summary>
    public static IReadOnlyList<int> TrainTemplates(TaskFamily family, SyntheticDataOptions options) =>
        Enumerable.Range(0, Math.Max(0, family.TemplateCount - options.TestTemplates)).ToArray();

    /// <summary>The test template indices of <paramref name="family"/>: its last <see cref="SyntheticDataOptions.TestTemplates"/>.</summary>
    public static IReadOnlyList<int> TestTemplates(TaskFamily family, SyntheticDataOptions options) =>
        Enumerable.Range(Math.Max(0, family.TemplateCount - options.TestTemplates), Math.Min(family.TemplateCount, options.TestTemplates)).ToArray();

    /// <summary>Generates the dataset: test first (so training can be checked against it), then training.</summary>
    /// <exception cref="InputException">Invalid options, a family with too few templates to split, or a family whose
    /// distinct examples run out before the counts asked (raise the difficulty or ask fewer).</exception>
    public static SyntheticDataset Generate(IReadOnlyList<TaskFamily> families, SyntheticDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(families);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (families.Count == 0) throw new InputException("no task family given");
        foreach (var f in families)
            if (f.TemplateCount <= options.TestTemplates)
                throw new InputException($"family '{f.Name}' has {f.TemplateCount} templates: test_templates must be below that so both sets have some");
        var test = new List<SyntheticExample>();
        foreach (var f in families)
            test.AddRange(Draw(f, TestTemplates(f, options), options.TestPerFamily, options, "test", _ => null).Examples);
        var filter = new TestSetFilter(test.Select(Key), options.NearDuplicateThreshold);
        var train = new List<SyntheticExample>();
        int exact = 0, near = 0;
        foreach (var f in families)
        {
            var (examples, e, n) = Draw(f, TrainTemplates(f, options), options.TrainPerFamily, options, "train", x => filter.Contaminated(Key(x)));
            train.AddRange(examples);
            (exact, near) = (exact + e, near + n);
        }
        var order = Seeding.Stream(options.Seed, "synthetic-train-order");
        return new SyntheticDataset(train.OrderBy(_ => order.Next()).ToArray(), test, exact, near);
    }

    /// <summary>The text compared for duplicates: the user's turns and the reference reply.</summary>
    public static string Key(SyntheticExample x) => x.UserText + "\n" + x.ReferenceText;

    static (List<SyntheticExample> Examples, int Exact, int Near) Draw(TaskFamily f, IReadOnlyList<int> templates, int count,
        SyntheticDataOptions o, string split, Func<SyntheticExample, string?> reject)
    {
        var rng = Seeding.Stream(o.Seed, $"synthetic-{split}-{f.Name}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<SyntheticExample>(count);
        int exact = 0, near = 0, attempts = 0;
        while (list.Count < count)
        {
            if (++attempts > 50 * count + 1000)
                throw new InputException($"family '{f.Name}' gave only {list.Count} distinct {split} examples of {count} asked: raise difficulty or ask fewer");
            var x = f.Generate(rng, templates[attempts % templates.Count], o.Difficulty);
            if (!seen.Add(Key(x))) continue;
            switch (reject(x))
            {
                case "exact": exact++; continue;
                case "near": near++; continue;
            }
            list.Add(x);
        }
        return (list, exact, near);
    }
}
