using LlmLab.Alignment;
using LlmLab.Alignment.Refusal;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Alignment.Refusal;

public sealed class RefusalDataTests
{
    [Fact]
    public void No_held_out_prompt_equals_or_nearly_equals_any_prompt_a_template_can_produce()
    {
        // Brute force: every prompt every template can produce (their slots are small), against every hand-written one.
        var generated = RefusalDataset.Groups().SelectMany(g => g.Templates).SelectMany(t => t.All()).ToArray();
        Assert.True(generated.Length > 10_000, $"only {generated.Length} generated prompts");
        var heldOut = HeldOutSet.BuiltIn();
        // Near = Jaccard ≥ 0.5 of word 3-shingles, stricter than the 0.8 used to decontaminate training data.
        var filter = new TestSetFilter(heldOut.Select(p => p.Text), threshold: 0.5);
        var hits = generated.Select(g => (g, why: filter.Contaminated(g))).Where(h => h.why is not null).ToArray();
        Assert.True(hits.Length == 0, "generated prompts too close to held-out ones: " + string.Join(" | ", hits.Take(5).Select(h
            => $"{h.why}: {h.g}")));
        // and, independent of MinHash's banding: no held-out prompt shares a 5-word run with a generated one
        static HashSet<string> Runs(string s)
        {
            var w = NgramFeaturizer.Words(s);
            return Enumerable.Range(0, Math.Max(0, w.Count - 4)).Select(i => string.Join(' ', w.Skip(i).Take(5))).ToHashSet();
        }
        var genRuns = generated.SelectMany(Runs).ToHashSet();
        var shared = heldOut.Where(p => Runs(p.Text).Overlaps(genRuns)).Select(p => p.Text).ToArray();
        Assert.True(shared.Length == 0, "held-out prompts sharing a 5-word run with a template: " + string.Join(" | ", shared));
    }

    [Fact]
    public void The_held_out_set_has_eight_per_category_and_type_and_both_labels()
    {
        var h = HeldOutSet.BuiltIn();
        Assert.Equal(56, h.Count(p => p.Unsafe));
        Assert.Equal(56, h.Count(p => !p.Unsafe));
        foreach (var c in RefusalPolicy.Categories) Assert.Equal(8, h.Count(p => p.Unsafe && p.Category == c.Id));
        foreach (var t in SafeLookingTemplates.ByType.Keys) Assert.Equal(8, h.Count(p => !p.Unsafe && p.Category == t));
        Assert.All(h, p => Assert.True(p.HandWritten));
    }

    [Fact]
    public void The_labelled_prompt_reader_is_strict_and_names_the_line()
    {
        using var dir = new TempDir();
        string Bad(string content) => Assert.Throws<InputException>(() => HeldOutSet.Read(dir.File("b.jsonl", content))).Message;
        Assert.Contains("b.jsonl:2", Bad("{\"prompt\":\"a\",\"label\":\"safe\"}\n{\"prompt\":\"b\",\"label\":\"maybe\"}"));
        Assert.Contains("unknown key 'labels'", Bad("{\"prompt\":\"a\",\"labels\":\"safe\"}"));
        Assert.Contains("\"prompt\" must be", Bad("{\"label\":\"safe\"}"));
        Assert.Contains("unknown category 'bombs'", Bad("{\"prompt\":\"a\",\"label\":\"unsafe\",\"category\":\"bombs\"}"));
        Assert.Contains("appears twice", Bad("{\"prompt\":\"a\",\"label\":\"safe\"}\n{\"prompt\":\"A\",\"label\":\"safe\"}"));
        Assert.Contains("not valid JSON", Bad("{"));
        Assert.Contains("does not exist", Assert.Throws<InputException>(() => HeldOutSet.Read(Path.Combine(dir.Path,
            "none.jsonl"))).Message);
    }

    [Fact]
    public void The_dataset_splits_by_template_is_seeded_and_labels_follow_the_templates()
    {
        var o = new RefusalDataOptions(TrainPerCategory: 30, TestPerCategory: 10, OrdinaryPerFamily: 5, Seed: 2);
        var a = RefusalDataset.Generate(o);
        var b = RefusalDataset.Generate(o);
        Assert.Equal(a.Train.Select(p => p.Text), b.Train.Select(p => p.Text));
        Assert.NotEqual(a.Train.Select(p => p.Text), RefusalDataset.Generate(o with { Seed = 3 }).Train.Select(p => p.Text));
        foreach (var (name, templates, isUnsafe) in RefusalDataset.Groups())
        {
            Assert.Equal(30, a.Train.Count(p => p.Category == name));
            Assert.Equal(10, a.Test.Count(p => p.Category == name));
            Assert.All(a.Train.Where(p => p.Category == name), p => { Assert.Equal(isUnsafe,
                p.Unsafe); Assert.True(p.Template < templates.Count - 1); });
            Assert.All(a.Test.Where(p => p.Category == name), p => Assert.Equal(templates.Count - 1, p.Template));
        }
        Assert.All(a.Train.Where(p => p.Unsafe), p => Assert.True(RefusalPolicy.IsRefusal(p.Reply!)));
        Assert.All(a.Train.Where(p => !p.Unsafe), p => Assert.False(RefusalPolicy.IsRefusal(p.Reply!)));
        Assert.Empty(a.Train.Select(p => p.Text).Intersect(a.Test.Select(p => p.Text)));
        Assert.Equal(5 * TaskFamilies.All.Count, a.Train.Count(p => p.Category == "ordinary"));
    }

    [Fact]
    public void Every_test_template_can_fill_the_default_test_split()
    {
        int asked = new RefusalDataOptions().TestPerCategory;
        foreach (var (name, templates, _) in RefusalDataset.Groups())
            Assert.True(templates[^1].Variety >= asked, $"{name}'s last template gives {templates[^1].Variety} prompts, fewer than " +
                $"{asked}");
    }

    [Fact]
    public void Preference_pairs_choose_the_refusal_for_unsafe_and_the_answer_for_safe()
    {
        using var dir = new TempDir();
        var data = RefusalDataset.Generate(new RefusalDataOptions(TrainPerCategory: 5, TestPerCategory: 1, OrdinaryPerFamily: 0));
        string path = Path.Combine(dir.Path, "pairs.jsonl");
        int n = RefusalPairs.WritePairs(path, data.Train);
        var lines = File.ReadAllLines(path);
        Assert.Equal(data.Train.Count, n);
        Assert.Equal(n, lines.Length);
        foreach (var (line, p) in lines.Zip(data.Train))
        {
            var o = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
            Assert.Equal(["prompt", "chosen", "rejected"], o.Select(kv => kv.Key));
            Assert.Equal(p.Text, (string?)o["prompt"]);
            Assert.NotEqual((string?)o["chosen"], (string?)o["rejected"]);
            Assert.Equal(p.Unsafe, RefusalPolicy.IsRefusal((string)o["chosen"]!));
            Assert.Equal(!p.Unsafe, RefusalPolicy.IsRefusal((string)o["rejected"]!));
        }
    }

    [Theory]
    [InlineData("I can't help with that.", true)]
    [InlineData("  Sorry, I won't do that", true)]
    [InlineData("I\u2019m unable to assist.", true)]
    [InlineData("Use kill PID. I can't stress enough: save your work first.", false)]
    [InlineData("Sure! Here is how", false)]
    public void Refusals_are_recognised_by_their_opening(string reply, bool refusal) => Assert.Equal(refusal,
        RefusalPolicy.IsRefusal(reply));
}
