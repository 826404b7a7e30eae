using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part10;

/// <summary>Lab 10.3's two models: found (a lab 7.1 run's fine-tune, or a given checkpoint) or trained here with lab 7.1's
/// recipe (<see cref="SmallChatModel"/>, as lab 1.2 does for its one model).</summary>
internal static class CascadeModels
{
    /// <summary>A chat checkpoint directory and a sentence saying where it came from.</summary>
    public static (string Directory, string Origin) Find(LabContext ctx, CostCascadeConfig cfg, SyntheticDataset data, string name, string setting,
        int layers, int width)
    {
        if (setting is not ("auto" or "train")) return (Path.GetFullPath(setting), $"the checkpoint given with --set {name}");
        if (setting == "auto" && PriorRuns.NewestSft(ctx) is { } prior) return (prior, $"the fine-tuned model a lab 7.1 run left (`{prior}`)");
        var shape = new SmallChatModelShape(cfg.CorpusBytes, cfg.CorpusBytes / 20, cfg.BpeVocab, cfg.Context, layers, width, cfg.Heads,
            cfg.BaseSteps, cfg.SftSteps, cfg.Batch);
        var (sftDir, count) = SmallChatModel.Train(ctx, shape, data.Train, "cascade-" + name);
        string why = setting == "train" ? $"--set {name}=train" : "no lab 7.1 run under the runs directory left a fine-tuned checkpoint";
        return (sftDir, $"a {layers} × {width} GPT trained here ({why}): {cfg.BaseSteps} pretraining steps on `{ctx.Corpus.Name}`, then " +
            $"{cfg.SftSteps} steps of lab 7.1's `SftRunner` on {count} training conversations");
    }
}
