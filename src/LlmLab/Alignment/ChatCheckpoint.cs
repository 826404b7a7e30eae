using System.Text.Json.Nodes;
using LlmLab.Inference;
using LlmLab.Nn.Gpt;
using LlmLab.Tokenization;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// Writes a chat model (the result of <c>llmlab sft</c>, <c>dpo</c>, <c>ppo</c>) as a checkpoint that
/// <see cref="GptPretraining.Load"/>, <c>generate</c> and <c>serve --checkpoint</c> read: its weights and buffers, its
/// tokenizer, and a manifest whose <c>config</c> holds the model shape plus the caller's section (what it was trained
/// from and how). Published atomically by <see cref="Checkpoint.Save"/>. Thread-safe for different directories.
/// </summary>
public static class ChatCheckpoint
{
    /// <summary>Saves <paramref name="model"/> and <paramref name="tokenizer"/> as step <paramref name="step"/> of
    /// <paramref name="directory"/>, with <paramref name="section"/> under <c>config.<paramref name="sectionName"/></c>.</summary>
    public static CheckpointInfo Write(string directory, int step, GptModel model, BpeTokenizer tokenizer, string sectionName, JsonObject section)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var manifest = new JsonObject
        {
            ["config"] = new JsonObject { ["model"] = JsonNode.Parse(model.Config.ToJson()), [sectionName] = section },
        };
        return Checkpoint.Save(directory, step, manifest, dir =>
        {
            TensorFile.Write(Path.Combine(dir, Checkpoint.ModelFile), model.named_parameters().Select(p => KeyValuePair.Create(p.name, (Tensor)p.parameter))
                .Concat(model.named_buffers().Select(b => KeyValuePair.Create("buffer:" + b.name, b.buffer))));
            tokenizer.Save(Path.Combine(dir, GptPretraining.TokenizerFile));
        });
    }

    /// <summary>
    /// The chat template a checkpoint was trained with: the <c>chat_template</c> its fine-tuning section records
    /// (<c>config.sft</c>, <c>config.dpo</c>, <c>config.ppo</c>, … — whichever section wrote one), or the plain transcript
    /// for a base model. The one reader of that key, for <c>serve</c>, <c>generate --chat</c>, agents, prompts and labs.
    /// </summary>
    /// <exception cref="InputException">A recorded template name that is not known.</exception>
    public static ChatTemplate TemplateOf(CheckpointInfo checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        string? name = null;
        if (checkpoint.Json["config"] is JsonObject config)
            foreach (var (_, section) in config)
                if (section is JsonObject o && o["chat_template"] is JsonValue v && v.TryGetValue<string>(out var n)) { name = n; break; }
        return ChatTemplate.FromName(name ?? ChatTemplate.Transcript.Name);
    }

    /// <summary>A chat model and its tokenizer from a checkpoint (or run directory): the tokenizer must be a BPE one
    /// with the chat tokens. The caller owns the model.</summary>
    /// <exception cref="InputException">No or a damaged checkpoint, or a tokenizer without the chat tokens.</exception>
    public static (GptModel Model, BpeTokenizer Tokenizer, CheckpointInfo Checkpoint) Load(string path, string what)
    {
        var (model, tokenizer, info) = GptPretraining.Load(path);
        if (tokenizer is not BpeTokenizer bpe || !ChatTokens.HasAll(bpe))
        {
            model.Dispose();
            throw new InputException($"{what} '{info.Directory}' is not a chat model (its tokenizer lacks the chat tokens): fine-tune it first with 'llmlab sft'");
        }
        return (model, bpe, info);
    }

    /// <summary>Refuses a second model (a reference, a reward model) whose tokenizer differs from the policy's: their
    /// log-probabilities and scores would be of other token ids.</summary>
    /// <exception cref="InputException">The vocabularies differ.</exception>
    public static void CheckSameTokenizer(BpeTokenizer policy, BpeTokenizer other, string otherWhat, string otherPath)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(other);
        bool same = policy.VocabSize == other.VocabSize && policy.SpecialTokens.Count == other.SpecialTokens.Count
            && policy.SpecialTokens.All(kv => other.SpecialTokens.TryGetValue(kv.Key, out int id) && id == kv.Value)
            && Enumerable.Range(0, policy.VocabSize).Where(i => !policy.SpecialTokens.Values.Contains(i))
                .All(i => policy.DecodeBytes([i]).AsSpan().SequenceEqual(other.DecodeBytes([i])));
        if (!same)
            throw new InputException($"{otherWhat} '{otherPath}' has another tokenizer than the policy ({other.VocabSize} ids vs {policy.VocabSize}): " +
                "use a checkpoint fine-tuned from the same base");
    }
}
