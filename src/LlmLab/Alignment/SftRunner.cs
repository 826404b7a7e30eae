using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Supervised fine-tuning of a base model on a chat JSONL file (what <c>llmlab sft</c> runs):
/// <list type="number">
/// <item>the base (<see cref="SftBaseModel"/>: one of our checkpoints, or — opened by the CLI — a Hugging Face folder or
/// a GGUF file); its BPE tokenizer gets the chat tokens and the model grows to match (<see cref="VocabularyGrowth"/>);</item>
/// <item>read and encode the conversations with <see cref="ChatTemplate.Chat"/> (one that does not fit the context is an
/// error naming it);</item>
/// <item>train with the <see cref="Trainer"/> on <see cref="SftBatches"/> — in full, or LoRA (then merged);</item>
/// <item>write a checkpoint <see cref="GptPretraining.Load"/> reads (weights, grown tokenizer), whose config records the
/// base it came from, the chat template and the options; with LoRA also the adapter alone (<c>adapter/</c>).</item>
/// </list>
/// </summary>
public static class SftRunner
{
    /// <summary>Fine-tunes the LlmLab checkpoint (or run directory) <paramref name="baseCheckpoint"/>; see
    /// <see cref="Run(SftBaseModel, string, string, SftOptions, Action{string}?)"/>.</summary>
    /// <exception cref="InputException">A missing or damaged base, or any error of the other overload.</exception>
    public static TrainingResult Run(string baseCheckpoint, string dataPath, string outDirectory, SftOptions options,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RefuseUsed(outDirectory);
        var (loaded, tokenizer, info) = GptPretraining.Load(baseCheckpoint);
        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(baseCheckpoint)));
        using var baseModel = new SftBaseModel(loaded, tokenizer, info.Directory, "LlmLab checkpoint", name, info.Step);
        return Run(baseModel, dataPath, outDirectory, options, log);
    }

    /// <summary>Fine-tunes <paramref name="baseModel"/> (left unchanged) and writes the result into
    /// <paramref name="outDirectory"/> (which must hold no checkpoint).</summary>
    /// <exception cref="InputException">Bad data, a conversation longer than the context, or an output directory that
    /// already holds checkpoints; nothing is written then.</exception>
    public static TrainingResult Run(SftBaseModel baseModel, string dataPath, string outDirectory, SftOptions options,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(baseModel);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        RefuseUsed(outDirectory);
        var chat = baseModel.ChatTokenizer();
        int baseVocab = baseModel.Model.Config.VocabSize;
        using var model = baseModel.Grow(chat);
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
        var batches = new SftBatches(encoded, options.Batch, context, options.Pack ? SftBatchLayout.Pack : SftBatchLayout.Pad,
            options.Seed, options.AssistantOnly);
        var trainer = new TrainerOptions(Steps: options.Steps, Batch: options.Batch, Context: context,
            LearningRate: options.LearningRate, GradClip: 1.0,
            LogEvery: Math.Max(1, options.Steps / 20), EvalEvery: options.Steps + 1);
        TrainingResult result;
        if (options.LoraRank is { } rank)
        {
            using var lora = new LoraModel(VocabularyGrowth.Grow(model, model.Config.VocabSize),
                new LoraOptions(rank, options.LoraAlpha, TrainableModules: VocabularyModules(model.Config)));
            result = new Trainer(lora, SftLoss.For(lora.Base), trainer).Run(batches, log: log);
            lora.SaveAdapter(Path.Combine(outDirectory, "adapter"), baseModel.Source);
            lora.Merge();
            Write(outDirectory, lora.Base, chat, baseModel, baseVocab, dataPath, options, result.Steps.Count);
        }
        else
        {
            result = new Trainer(model, SftLoss.For(model), trainer).Run(batches, log: log);
            Write(outDirectory, model, chat, baseModel, baseVocab, dataPath, options, result.Steps.Count);
        }
        return result;
    }

    /// <summary>What LoRA keeps trainable in full beside its adapters when chat tokens were added (PEFT's
    /// modules_to_save): the token embedding, and the LM head when it is not tied to it — the new tokens' rows start
    /// identical, and frozen rows could never tell <c>&lt;|end|&gt;</c> from <c>&lt;|user|&gt;</c>.</summary>
    public static IReadOnlyList<string> VocabularyModules(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.TieWordEmbeddings ? ["wte"] : ["wte", "lm_head"];
    }

    static void RefuseUsed(string outDirectory)
    {
        if (Checkpoint.List(outDirectory).Count > 0)
            throw new InputException($"'{outDirectory}' already holds checkpoints: fine-tune into another directory");
    }

    static void Write(string directory, GptModel model, BpeTokenizer tokenizer, SftBaseModel baseModel, int baseVocab, string dataPath,
        SftOptions o, int steps)
    {
        var manifest = new JsonObject
        {
            ["config"] = new JsonObject
            {
                ["model"] = JsonNode.Parse(model.Config.ToJson()),
                ["sft"] = new JsonObject
                {
                    ["base"] = baseModel.Source, ["base_kind"] = baseModel.Kind, ["base_step"] = baseModel.Step,
                    ["base_vocab_size"] = baseVocab,
                    ["chat_template"] = ChatTemplate.Chat.Name, ["data"] = Path.GetFullPath(dataPath),
                    ["steps"] = o.Steps, ["batch"] = o.Batch, ["learning_rate"] = o.LearningRate, ["pack"] = o.Pack,
                        ["assistant_only"] = o.AssistantOnly,
                    ["lora_rank"] = o.LoraRank, ["lora_alpha"] = o.LoraRank is null ? null : o.LoraAlpha, ["seed"] = o.Seed,
                },
            },
        };
        Checkpoint.Save(directory, steps, manifest, dir =>
        {
            TensorFile.Write(Path.Combine(dir, Checkpoint.ModelFile), model.named_parameters().Select(p => KeyValuePair.Create(p.name,
                (Tensor)p.parameter))
                .Concat(model.named_buffers().Select(b => KeyValuePair.Create("buffer:" + b.name, b.buffer))));
            tokenizer.Save(Path.Combine(dir, GptPretraining.TokenizerFile));
        });
    }
}
