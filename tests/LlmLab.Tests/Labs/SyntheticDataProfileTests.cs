using LlmLab.Alignment;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part01;
using LlmLab.Labs.Part07;
using LlmLab.Labs.Part10;

namespace LlmLab.Tests.Labs;

/// <summary>
/// Every profile of the labs built on lab 7.1's task families asks for data the families can give: the full profile
/// (never run on this machine) once asked for 2,000 distinct conversations per family at difficulty 1, where the units
/// family has about 320, and stopped with an error before training anything. The counts and difficulties below are the
/// ones each lab passes to <see cref="SyntheticDataset.Generate"/>.
/// </summary>
public class SyntheticDataProfileTests
{
    public static TheoryData<Profile> Profiles => new() { Profile.Smoke, Profile.Quick, Profile.Full };

    static void Feasible(int train, int test, int testTemplates, int difficulty) =>
        SyntheticDataset.Generate(TaskFamilies.All, new SyntheticDataOptions(train, test, testTemplates, difficulty, Seed: 7));

    [Theory, MemberData(nameof(Profiles))]
    public void Lab_7_1_and_1_2_ask_for_data_the_families_hold(Profile profile)
    {
        var sft = SftLabConfig.For(profile);
        Feasible(sft.TrainPerFamily, sft.TestPerFamily, sft.TestTemplates, sft.Difficulty);
        var prompts = PromptLabConfig.For(profile);
        Feasible(prompts.TrainPerFamily, prompts.TestsPerFamily, 2, prompts.Difficulty);
    }

    [Theory, MemberData(nameof(Profiles))]
    public void Labs_7_2_7_3_and_10_3_ask_for_data_the_families_hold(Profile profile)
    {
        var dpo = DpoPpoLabConfig.For(profile);
        Feasible(dpo.TrainPerFamily, dpo.TestPerFamily, dpo.TestTemplates, dpo.Difficulty);
        // lab 7.2's preference prompts (DpoPpoLab.Prepare): twice the budget and held-out pairs, spread over the families
        Feasible(2 * (dpo.PromptBudget + dpo.HeldOutPairs) / TaskFamilies.All.Count + 4, Math.Max(2, dpo.HeldOutPairs / TaskFamilies.All.Count),
            dpo.TestTemplates, dpo.Difficulty);
        var refusal = RefusalLabConfig.For(profile);
        Feasible(refusal.TaskTrainPerFamily, refusal.TaskTestPerFamily, 2, refusal.Difficulty);
        var cascade = CostCascadeConfig.For(profile);
        Feasible(cascade.TrainPerFamily, cascade.ValidationPerFamily + cascade.TestPerFamily, 2, cascade.Difficulty);
    }
}
