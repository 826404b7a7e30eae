using System.Text.Json.Nodes;
using LlmLab.Nn.Gpt;
using LlmLab.Runtime;
using LlmLab.Tokenization;
using LlmLab.Training;
using static TorchSharp.torch;

namespace LlmLab.Alignment;

/// <summary>
/// A reward model on disk (what <c>llmlab rm</c> writes and <c>llmlab ppo --reward-model</c> reads): a checkpoint whose
/// manifest holds the GPT's shape under <c>config.model</c> and the run under <c>config.reward_model</c>, and whose tensor
/// file holds the body's (<c>body.*</c>) and the head's (<c>head.*</c>) weights, with the tokenizer beside them.
/// Thread-safe for different directories.
/// </summary>
public static class RewardModelCheckpoint
{
    /// <summary>Saves <paramref name="model"/> as step <paramref name="step"/> of <paramref name="directory"/>.</summary>
    public static CheckpointInfo Write(string directory, int step, ScalarHeadModel model, BpeTokenizer tokenizer, JsonObject section)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var manifest = new JsonObject
        {
            ["config"] = new JsonObject { ["model"] = JsonNode.Parse(model.Body.Config.ToJson()), ["reward_model"] = section },
        };
        return Checkpoint.Save(directory, step, manifest, dir =>
        {
            TensorFile.Write(Path.Combine(dir, Checkpoint.ModelFile), model.named_parameters().Select(p => KeyValuePair.Create(p.name, (Tensor)p.parameter))
                .Concat(model.named_buffers().Select(b => KeyValuePair.Create("buffer:" + b.name, b.buffer))));
            tokenizer.Save(Path.Combine(dir, GptPretraining.TokenizerFile));
        });
    }

    /// <summary>A reward model and its tokenizer from a checkpoint (or run directory). The caller owns the model.</summary>
    /// <exception cref="InputException">No or a damaged checkpoint, or one that is not a reward model.</exception>
    public static (ScalarHeadModel Model, BpeTokenizer Tokenizer, CheckpointInfo Checkpoint) Load(string path)
    {
        var ckpt = Checkpoint.Resolve(path);
        if (ckpt.Json["config"]?["reward_model"] is not JsonObject || ckpt.Json["config"]?["model"] is not JsonObject modelJson)
            throw new InputException($"checkpoint '{ckpt.Directory}' is not a reward model (no config.reward_model): train one with 'llmlab rm'");
        var shape = GptConfig.FromJson(modelJson.ToJsonString(), ckpt.Directory + " (model)");
        string tokenizerPath = Path.Combine(ckpt.Directory, GptPretraining.TokenizerFile);
        if (!File.Exists(tokenizerPath) || TokenizerFiles.Open(tokenizerPath) is not BpeTokenizer tokenizer || !ChatTokens.HasAll(tokenizer))
            throw new InputException($"reward model '{ckpt.Directory}' has no chat tokenizer beside it ({GptPretraining.TokenizerFile})");
        TorchRuntime.EnsureLoaded();
        var model = new ScalarHeadModel(new GptModel(shape));
        try
        {
            Checkpoint.LoadWeights(ckpt, model);
            model.eval();
            return (model, tokenizer, ckpt);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
