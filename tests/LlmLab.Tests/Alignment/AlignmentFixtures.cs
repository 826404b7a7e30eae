using LlmLab.Alignment;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Alignment;

/// <summary>A tiny chat tokenizer, chat model and task-family data for the preference and RL tests.</summary>
internal static class AlignmentFixtures
{
    static readonly SyntheticDataOptions DataOptions = new(TrainPerFamily: 24, TestPerFamily: 4, TestTemplates: 1, Difficulty: 1, Seed: 5);

    static readonly Lazy<SyntheticDataset> LazyData = new(() =>
        SyntheticDataset.Generate([TaskFamilies.ByName("arithmetic"), TaskFamilies.ByName("units")], DataOptions));

    static readonly Lazy<BpeTokenizer> LazyTokenizer = new(() => BpeTokenizer.Train(
        LazyData.Value.Train.Select(x => x.UserText + " " + x.ReferenceText), new BpeTrainingOptions(VocabSize: 320, Name: "alignment-test")).WithChatTokens());

    /// <summary>Arithmetic and unit-conversion conversations.</summary>
    public static SyntheticDataset Data => LazyData.Value;

    /// <summary>A BPE tokenizer trained on them, with the chat tokens.</summary>
    public static BpeTokenizer Tokenizer => LazyTokenizer.Value;

    /// <summary>A fresh seeded GPT for <see cref="Tokenizer"/> (1 layer × 32, 128 positions, no dropout), in training mode.</summary>
    public static GptModel Policy(int seed = 7)
    {
        TorchRuntime.EnsureLoaded(1);
        Seeding.SeedTorch(seed);
        return new GptModel(new GptConfig { VocabSize = Tokenizer.VocabSize, Context = 128, Width = 32, Layers = 1, Heads = 2, Dropout = 0 });
    }

    /// <summary>Synthetic preference pairs from the training conversations.</summary>
    public static IReadOnlyList<PreferencePair> Pairs => PreferencePairs.Synthetic(Data.Train, seed: 3);
}
