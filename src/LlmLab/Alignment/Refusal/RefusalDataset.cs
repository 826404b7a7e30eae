using LlmLab.Runtime;

namespace LlmLab.Alignment.Refusal;

/// <summary>
/// Lab 7.3's generated refusal data: unsafe prompts per policy category (<see cref="UnsafeTemplates"/>), safe prompts
/// that look unsafe per XSTest type (<see cref="SafeLookingTemplates"/>), and ordinary requests from lab 7.1's task
/// families, each with the reply the policy wants. Split by template as lab 7.1 does: the last template of every
/// category and type is the test split's only, and a training prompt equal or near-equal to a test one is dropped
/// (<see cref="TestSetFilter"/>). Immutable.
/// </summary>
/// <param name="Train">Training prompts, in a seeded order.</param>
/// <param name="Test">Test prompts from the held-out templates.</param>
public sealed record RefusalDataset(IReadOnlyList<RefusalPrompt> Train, IReadOnlyList<RefusalPrompt> Test)
{
    /// <summary>Generates the dataset.</summary>
    /// <exception cref="InputException">Invalid options, or a template set whose distinct prompts run out (ask fewer).</exception>
    public static RefusalDataset Generate(RefusalDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var test = new List<RefusalPrompt>();
        foreach (var (name, templates, isUnsafe) in Groups())
            test.AddRange(Draw(name, templates, isUnsafe, [templates.Count - 1], options.TestPerCategory, options.Seed, "test", _
                => false));
        var filter = new TestSetFilter(test.Select(p => p.Text));
        var train = new List<RefusalPrompt>();
        foreach (var (name, templates, isUnsafe) in Groups())
            train.AddRange(Draw(name, templates, isUnsafe, Enumerable.Range(0, templates.Count - 1).ToArray(), options.TrainPerCategory,
                options.Seed, "train", t => filter.Contaminated(t) is not null));
        if (options.OrdinaryPerFamily > 0)
        {
            var tasks = SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(options.OrdinaryPerFamily,
                options.OrdinaryPerFamily,
                2, 1, Seeding.DeriveSeed(options.Seed, "refusal-ordinary")));
            train.AddRange(tasks.Train.Select(x => new RefusalPrompt(x.UserText, false, "ordinary", x.Template, x.ReferenceText)));
            test.AddRange(tasks.Test.Select(x => new RefusalPrompt(x.UserText, false, "ordinary", x.Template, x.ReferenceText)));
        }
        var order = Seeding.Stream(options.Seed, "refusal-train-order");
        return new RefusalDataset(train.OrderBy(_ => order.Next()).ToArray(), test);
    }

    /// <summary>Every template group: (category or type, its templates, unsafe?).</summary>
    public static IEnumerable<(string Name, IReadOnlyList<PromptTemplate> Templates, bool Unsafe)> Groups() =>
        UnsafeTemplates.ByCategory.Select(kv => (kv.Key, kv.Value, true))
            .Concat(SafeLookingTemplates.ByType.Select(kv => (kv.Key, kv.Value, false)));

    static List<RefusalPrompt> Draw(string name, IReadOnlyList<PromptTemplate> templates, bool isUnsafe, int[] use, int count, long seed,
        string split, Func<string, bool> reject)
    {
        var rng = Seeding.Stream(seed, $"refusal-{split}-{name}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<RefusalPrompt>(count);
        long variety = use.Sum(t => templates[t].Variety);
        if (count > variety)
            throw new InputException($"'{name}' has only {variety} distinct {split} prompts, fewer than the {count} asked: ask fewer " +
                $"per category");
        for (int attempt = 0; list.Count < count; attempt++)
        {
            if (attempt > 200 * count + 1000)
                throw new InputException($"'{name}' gave only {list.Count} distinct {split} prompts of {count} asked: ask fewer per " +
                    $"category");
            int t = use[attempt % use.Length];
            var (text, reply) = templates[t].Fill(rng);
            if (!seen.Add(text) || reject(text)) continue;
            list.Add(new RefusalPrompt(text, isUnsafe, name, t, isUnsafe ? RefusalPolicy.Refusal(name) : reply));
        }
        return list;
    }
}
