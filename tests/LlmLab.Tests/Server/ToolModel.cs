using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Server;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Server;

/// <summary>An untrained GPT with lab 7.1's chat tokens (a BPE trained on its tool-call data), served with the chat
/// template: a model the server lets have tools. Its free text is noise, so the tests read calls from forced decodes.</summary>
internal static class ToolModel
{
    static readonly Lazy<BpeTokenizer> LazyTokenizer = new(() =>
    {
        var data = SyntheticDataset.Generate([TaskFamilies.ByName("tool_call")], new SyntheticDataOptions(TrainPerFamily: 60, TestPerFamily: 4, Seed: 3));
        return BpeTokenizer.Train(data.Train.Select(x => ToolCallFamily.ToolList + " " + x.UserText + " " + x.ReferenceText),
            new BpeTrainingOptions(VocabSize: 400, Name: "tools-test")).WithChatTokens();
    });

    /// <summary>The tokenizer, with <c>&lt;|tool_call|&gt;</c> and <c>&lt;|tool_result|&gt;</c>.</summary>
    public static BpeTokenizer Tokenizer => LazyTokenizer.Value;

    /// <summary>A fresh seeded model (1 layer × 32, 512 positions).</summary>
    public static GenerationEngine Engine()
    {
        TorchRuntime.EnsureLoaded();
        Seeding.SeedTorch(11);
        var model = new GptModel(DemoModel.Config(Tokenizer.VocabSize, context: 512, layers: 1, width: 32));
        model.eval();
        return new GenerationEngine(model, Tokenizer, PromptOverflow.Error, 11);
    }

    /// <summary>A server over <see cref="Engine"/> with <see cref="ChatTemplate.Chat"/>.</summary>
    public static Task<TestServer> StartAsync() => TestServer.StartAsync(o => o with { ChatTemplate = ChatTemplate.Chat }, engine: Engine());
}
