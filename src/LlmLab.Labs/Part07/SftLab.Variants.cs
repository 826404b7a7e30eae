using System.Diagnostics;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Labs.Part09;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;

namespace LlmLab.Labs.Part07;

public sealed partial class SftLab
{
    /// <summary>What one variant measured.</summary>
    internal sealed record Variant(string Name, IReadOnlyList<FamilyScore> Scores, long Trainable, double Seconds, double PretrainLoss,
        TrainingResult? Training, long AdapterBytes, int Examples)
    {
        public double Accuracy => SftEvaluator.Overall(Scores);
        public double Format => SftEvaluator.OverallFormat(Scores);
    }

    /// <summary>Everything the variants share.</summary>
    internal sealed record Setup(SftLabConfig Cfg, BpeTokenizer ChatTokenizer, GptModel Base, GptModel Grown, SyntheticDataset Data,
        IReadOnlyList<ChatEncoding> Train, EvalSet SftValidation, EvalSet PretrainValidation, int[] ReplayTokens, string BaseName);

    /// <summary>The variants the summary compares: LoRA at each rank, and full fine-tuning with replay when asked.</summary>
    internal sealed record Compared(Variant Baseline, Variant Full, Variant? Replayed, IReadOnlyList<Variant> Loras)
    {
        public IReadOnlyList<Variant> All => [Baseline, Full, .. Replayed is null ? Array.Empty<Variant>() : [Replayed], .. Loras];
    }

    /// <summary>The base model prompted few-shot with the transcript (it has no chat tokens).</summary>
    static Variant BaseFewShot(LabContext ctx, Setup s, BpeTokenizer baseTokenizer)
    {
        var start = Stopwatch.GetTimestamp();
        var shots = s.Data.Train.GroupBy(x => x.Family).ToDictionary(g => g.Key,
            g => (IReadOnlyList<SyntheticExample>)g.Take(s.Cfg.Shots).ToArray());
        var scores = SftEvaluator.Evaluate(s.Base, baseTokenizer, ChatTemplate.Transcript, s.Data.Test, s.Cfg.MaxNewTokens, shots,
            Sample(ctx, "base"));
        double loss = LabGptTrainer.ValidationLoss(s.Base, s.PretrainValidation, s.Cfg.Context);
        return new Variant($"base ({s.Cfg.Shots}-shot)", scores, 0, Stopwatch.GetElapsedTime(start).TotalSeconds, loss, null, 0, 0);
    }

    /// <summary>Full fine-tuning of a copy of the grown base on the first <paramref name="examples"/> training chats;
    /// with <paramref name="saveTo"/>, the fine-tuned model is written there as a chat checkpoint (what <c>llmlab sft</c>
    /// writes), so <c>serve</c>, <c>generate --chat</c> and later labs (1.2) can use it. With <paramref name="replay"/>,
    /// replay_fraction of each batch's rows are pretraining text (<see cref="ReplayMixBatches"/>).</summary>
    static Variant FullFineTune(LabContext ctx, Setup s, int examples, string name, string? saveTo = null, bool replay = false)
    {
        using var model = LabGptTrainer.Copy(s.Grown);
        var start = Stopwatch.GetTimestamp();
        var training = Train(ctx, s, model, SftLoss.For(model), examples, s.Cfg.SftLr, name, replay);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (saveTo is not null)
            ChatCheckpoint.Write(saveTo, training.Steps.Count, model, s.ChatTokenizer, "sft", new System.Text.Json.Nodes.JsonObject
            {
                ["chat_template"] = ChatTemplate.Chat.Name, ["source"] = $"lab 7.1, {name}", ["examples"] = examples,
            });
        var scores = SftEvaluator.Evaluate(model, s.ChatTokenizer, ChatTemplate.Chat, s.Data.Test, s.Cfg.MaxNewTokens,
            onReply: Sample(ctx, name));
        double loss = LabGptTrainer.ValidationLoss(model, s.PretrainValidation, s.Cfg.Context);
        return new Variant(name, scores, model.ParameterCount, seconds, loss, training, 0, examples);
    }

    /// <summary>LoRA of rank <paramref name="rank"/> on a copy of the grown base (the new tokens' embedding rows
    /// trainable too), saved alone, merged, then evaluated.</summary>
    static Variant Lora(LabContext ctx, Setup s, int rank)
    {
        string name = $"LoRA r = {rank}";
        using var lora = new LoraModel(LabGptTrainer.Copy(s.Grown),
            new LoraOptions(rank, s.Cfg.LoraAlpha, TrainableModules: SftRunner.VocabularyModules(s.Grown.Config)));
        var start = Stopwatch.GetTimestamp();
        var training = Train(ctx, s, lora, SftLoss.For(lora.Base), s.Train.Count, s.Cfg.LoraLr, name);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        string dir = Path.Combine(ctx.Directory, $"lora-r{rank}");
        lora.SaveAdapter(dir, s.BaseName);
        long bytes = new FileInfo(Path.Combine(dir, LoraModel.AdapterFile)).Length;
        long trainable = lora.TrainableParameterCount;
        lora.Merge();
        lora.Base.eval();
        var scores = SftEvaluator.Evaluate(lora.Base, s.ChatTokenizer, ChatTemplate.Chat, s.Data.Test, s.Cfg.MaxNewTokens,
            onReply: Sample(ctx, name));
        double loss = LabGptTrainer.ValidationLoss(lora.Base, s.PretrainValidation, s.Cfg.Context);
        return new Variant(name, scores, trainable, seconds, loss, training, bytes, s.Train.Count);
    }

    /// <summary>The one trainer, on packed SFT batches with the completion-only loss.</summary>
    static TrainingResult Train(LabContext ctx, Setup s, TorchSharp.torch.nn.Module model, Func<LlmLab.Data.TrainingBatch,
        TorchSharp.torch.Tensor> loss,
        int examples, double lr, string name, bool replay = false)
    {
        var cfg = s.Cfg;
        return ChatRecipe.FineTune(ctx, model, loss, s.Train.Take(examples).ToArray(), cfg.SftSteps, cfg.Batch, cfg.Context, lr, $"7.1 {name}",
            s.SftValidation, evalEvery: Math.Max(1, cfg.SftSteps / 5),
            onEval: e => ctx.Metrics.Log(new { variant = name, step = e.Step, val_loss = e.Loss }),
            replay: replay ? (s.ReplayTokens, cfg.ReplayFraction) : null);
    }

    /// <summary>Logs the first two replies per family of a variant to the metrics (a reader sees what the model says).</summary>
    static Action<SyntheticExample, string, TaskGrade> Sample(LabContext ctx, string variant)
    {
        var seen = new Dictionary<string, int>();
        return (x, reply, grade) =>
        {
            int n = seen.GetValueOrDefault(x.Family);
            if (n >= 2) return;
            seen[x.Family] = n + 1;
            ctx.Metrics.Log(new { variant, family = x.Family, question = x.UserText, reference = x.ReferenceText, reply, grade.Correct,
                grade.FormatValid });
        };
    }
}
