using System.Text.Json;
using LlmLab.Labs.Framework;
using LlmLab.Text;

namespace LlmLab.Tests.Labs;

/// <summary>
/// Every registered lab can start at every profile: its config resolves as <c>labs run</c> resolves it (the profile's
/// preset, then validation), survives the config.json round trip, and passes the lab's plan — what it would ask of the
/// default corpus, the task families and the packages — without training anything. The full profiles are never run whole
/// on this machine; five of them once asked for more than their inputs hold and stopped only after minutes of work.
/// </summary>
public class LabProfilePlanTests
{
    // One plan per profile for the whole class: the corpus's splits are measured once, however many labs read them.
    static readonly Dictionary<Profile, LabPlan> Plans = new();

    public static TheoryData<string, Profile> Cases()
    {
        var data = new TheoryData<string, Profile>();
        foreach (var lab in LabCatalog.All.Where(l => LabRegistry.IsImplemented(l.Id)))
            foreach (var profile in Enum.GetValues<Profile>())
                data.Add(lab.Id, profile);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void The_lab_resolves_validates_and_plans_at_the_profile(string id, Profile profile)
    {
        var lab = LabRegistry.Create(id);
        object config = Assert.Single(LabRunner.ResolveConfigs([lab], new LabRunOptions(profile)));

        // config.json holds the resolved config; what it holds must read back to the same config.
        string json = JsonSerializer.Serialize(config, config.GetType(), ConfigOverrides.Json);
        object back = JsonSerializer.Deserialize(json, config.GetType(), ConfigOverrides.Json)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, back.GetType(), ConfigOverrides.Json));
        lab.Validate(back);

        var plan = PlanFor(profile);
        lock (plan)
        {
            plan.LabId = id;
            lab.Plan(plan, back);
            var shortfalls = plan.Shortfalls.Where(s => s.StartsWith($"lab {id}:", StringComparison.Ordinal)).ToList();
            Assert.True(shortfalls.Count == 0, string.Join("\n", shortfalls));
        }
    }

    [Fact]
    public void A_shortfall_is_recorded_and_a_hard_problem_names_the_lab()
    {
        // A corpus of 200 short documents (~10 kB, a few of them in the validation split): lab 2.2's smoke profile asks
        // for 100,000 train bytes, more than it holds.
        string path = Path.Combine(Path.GetTempPath(), $"llmlab-plan-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, 200).Select(i => $"{{\"id\":\"d{i}\",\"text\":\"{new string('a', 40)} {i}\"}}"));
        try
        {
            var lab = LabRegistry.Create("2.2");
            object config = LabRunner.ResolveConfigs([lab], new LabRunOptions(Profile.Smoke)).Single();
            var shortfalls = LabRunner.PlanAll([lab], [config], Profile.Smoke, 1, () => Corpora.Open(path));
            Assert.Contains(shortfalls, s => s.StartsWith("lab 2.2: train_bytes asks for 100,000 bytes", StringComparison.Ordinal));

            // A context longer than the whole validation split: no window can be drawn, the run could not start.
            var tooLong = ConfigOverrides.Apply(config, [new("context", "5000")], "lab 2.2");
            var e = Assert.Throws<InputException>(() => LabRunner.PlanAll([lab], [tooLong], Profile.Smoke, 1, () => Corpora.Open(path)));
            Assert.StartsWith("lab 2.2: --set context=5000", e.Message);
        }
        finally { File.Delete(path); }
    }

    static LabPlan PlanFor(Profile profile)
    {
        lock (Plans)
        {
            if (!Plans.TryGetValue(profile, out var plan))
                Plans[profile] = plan = new LabPlan(profile, 1337, () => Corpora.Open(null));
            return plan;
        }
    }
}
