using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Supervised fine-tuning of a pretraining checkpoint on a chat JSONL file (what <c>llmlab sft</c> runs):
/// <list type="number">
/// <item>load the base (<see cref="GptPretraining.Load"/>); its BPE tokenizer gets the chat tokens and the model grows to
/// match (<see cref="VocabularyGrowth"/>);</item>
/// <item>read and encode the conversations with <see cref="ChatTemplate.Chat"/> (one that does not fit the context is an
/// error naming it);</item>
/// <item>train with the <see cref="Trainer"/> on <see cref="SftBatches"/> — in full, or LoRA (then merged);</item>
/// <item>write a checkpoint <see cref="GptPretraining.Load"/> reads (weights, grown tokenizer), whose config records the
/// base it came from, the chat template and the options; with LoRA also the adapter alone (<c>adapter/</c>).</item>
/// </list>
/// </summary>
public static class SftRunner
{
    /// <summary>Fine-tunes and writes the result into <paramref name="outDirectory"/> (which must hold no checkpoint).</summary>
    /// <exception cref="InputException">A missing or damaged base, a tokenizer that is not BPE, bad data, a conversation
    /// longer than the context, or an output directory that already holds checkpoints; nothing is written then.</exception>
    public static TrainingResult Run(string baseCheckpoint, string dataPath, string outDirectory, SftOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (Checkpoint.List(outDirectory).Count > 0) throw new InputException($"'{outDirectory}' already holds checkpoints: fine-tune into another directory");
        var (loaded, tokenizer, baseInfo) = GptPretraining.Load(baseCheckpoint);
        GptModel model;
        BpeTokenizer chat;
        int baseVocab = loaded.Config.VocabSize;
        using (loaded)
        {
            if (tokenizer is not BpeTokenizer bpe)
                throw new InputException($"checkpoint '{baseInfo.Directory}' has a {tokenizer.GetType().Name}: SFT's chat tokens need a byte-level BPE tokenizer");
            chat = bpe.WithChatTokens();
            model = VocabularyGrowth.Grow(loaded, chat.VocabSize);
        }
        using var owned = model;
        var data = ChatJsonl.Read(dataPath);
        int context = model.Config.Context;
        var encoded = new List<ChatEncoding>();
        for (int i = 0; i < data.Count; i++)
        {
            var e = ChatTemplate.Chat.Encode(data[i].Messages, chat, addGenerationPrompt: false);
            if (e.Ids.Length > context + 1)
                throw new InputException($"{dataPath}: conversation {i + 1} has {e.Ids.Length} tokens, more than the model's context of {context} (+ 1): shorten or drop it");
            encoded.Add(e);
        }
        Seeding.SeedTorch(options.Seed);
        var batches = new SftBatches(encoded, options.Batch, context, options.Pack ? SftBatchLayout.Pack : SftBatchLayout.Pad, options.Seed, options.AssistantOnly);
        var trainer = new TrainerOptions(Steps: options.Steps, Batch: options.Batch, Context: context, LearningRate: options.LearningRate, GradClip: 1.0,
            LogEvery: Math.Max(1, options.Steps / 20), EvalEvery: options.Steps + 1);
        TrainingResult result;
        if (options.LoraRank is { } rank)
        {
            using var lora = new LoraModel(VocabularyGrowth.Grow(model, model.Config.VocabSize), new LoraOptions(rank, options.LoraAlpha, TrainableModules: ["wte"]));
            result = new Trainer(lora, SftLoss.For(lora.Base), trainer).Run(batches, log: log);
            lora.SaveAdapter(Path.Combine(outDirectory, "adapter"), Path.GetFullPath(baseInfo.Directory));
            lora.Merge();
            Write(outDirectory, lora.Base, chat, baseInfo, baseVocab, dataPath, options, result.Steps.Count);
        }
        else
        {
            result = new Trainer(model, SftLoss.For(model), trainer).Run(batches, log: log);
            Write(outDirectory, model, chat, baseInfo, baseVocab, dataPath, options, result.Steps.Count);
        }
        return result;
    }

    static void Write(string directory, GptModel model, BpeTokenizer tokenizer, CheckpointInfo baseInfo, int baseVocab, string dataPath, SftOptions o, int steps)
    {
        var manifest = new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["model"] = JsonNode.Parse(model.Config.ToJson()),
                ["sft"] = new JsonObject
                {
                    ["base"] = Path.GetFullPath(baseInfo.Directory), ["base_step"] = baseInfo.Step,
                    ["base_vocab_size"] = baseVocab,
                    ["chat_template"] = ChatTemplate.Chat.Name, ["data"] = Path.GetFullPath(dataPath),
                    ["steps"] = o.Steps, ["batch"] = o.Batch, ["learning_rate"] = o.LearningRate, ["pack"] = o.Pack, ["assistant_only"] = o.AssistantOnly,
                    ["lora_rank"] = o.LoraRank, ["lora_alpha"] = o.LoraRank is null ? null : o.LoraAlpha, ["seed"] = o.Seed,
                },
            },
        };
        Checkpoint.Save(directory, steps, manifest, dir =>
        {
            TensorFile.Write(Path.Combine(dir, Checkpoint.ModelFile), model.named_parameters().Select(p => KeyValuePair.Create(p.name, (Tensor)p.parameter))
                .Concat(model.named_buffers().Select(b => KeyValuePair.Create("buffer:" + b.name, b.buffer))));
            tokenizer.Save(Path.Combine(dir, GptPretraining.TokenizerFile));
        });
    }
}
