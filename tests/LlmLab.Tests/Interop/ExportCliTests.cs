using System.Text.Json.Nodes;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Interop;

/// <summary><c>llmlab export gguf | inspect | hf</c> on a chat checkpoint, and <c>generate --checkpoint HF_DIR</c> on the
/// exported folder giving the text the checkpoint gives.</summary>
public sealed class ExportCliTests
{
    [Fact]
    public void A_checkpoint_exports_to_gguf_and_hf_and_the_hf_folder_generates_like_the_checkpoint()
    {
        using var dir = new TempDir();
        using var model = GgufFixtures.Model("gpt2");
        var info = ChatCheckpoint.Write(Path.Combine(dir.Path, "ckpt"), 1, model, GgufFixtures.Tokenizer, "sft",
            new JsonObject { ["chat_template"] = ChatTemplate.Chat.Name });
        string gguf = Path.Combine(dir.Path, "m.gguf"), hf = Path.Combine(dir.Path, "hf");

        var (code, stdout, err) = CliRun.Run("export", "gguf", "--checkpoint", info.Directory, "--out", gguf, "--type", "q8_0");
        Assert.True(code == 0, err);
        Assert.Contains("gpt2", stdout);
        Assert.Contains("note: this model uses the exact erf GELU", stdout); // llama.cpp's gpt2 computes the tanh form

        // Our engine runs the GGUF file as llama.cpp does, with or without its Q8_0 activation rounding.
        string[] fromGguf = ["generate", "--checkpoint", gguf, "--prompt", "What is 12", "--max-tokens", "4", "--temperature", "0"];
        var plain = CliRun.Run(fromGguf);
        Assert.True(plain.Code == 0, plain.Err);
        var rounded = CliRun.Run([.. fromGguf, "--activations", "q8_0"]);
        Assert.True(rounded.Code == 0, rounded.Err);
        Assert.StartsWith("What is 12", rounded.Out);
        (code, stdout, err) = CliRun.Run("export", "inspect", gguf);
        Assert.True(code == 0, err);
        Assert.Contains("general.architecture = \"gpt2\"", stdout);
        Assert.Contains("blk.0.attn_qkv.weight", stdout);
        Assert.Contains("q8_0", stdout);

        (code, _, err) = CliRun.Run("export", "hf", "--checkpoint", info.Directory, "--out", hf);
        Assert.True(code == 0, err);
        string[] generate = ["generate", "--prompt", "What is 12", "--max-tokens", "6", "--temperature", "0"];
        var fromCheckpoint = CliRun.Run([.. generate, "--checkpoint", info.Directory]);
        var fromHf = CliRun.Run([.. generate, "--checkpoint", hf]);
        Assert.True(fromHf.Code == 0, fromHf.Err);
        Assert.Equal(fromCheckpoint.Out, fromHf.Out);

        // A damaged GGUF is exit 2 with one line.
        byte[] bytes = File.ReadAllBytes(gguf);
        File.WriteAllBytes(gguf, bytes[..(bytes.Length / 2)]);
        (code, _, err) = CliRun.Run("export", "inspect", gguf);
        Assert.Equal(2, code);
        Assert.Single(err.TrimEnd('\n').Split('\n'));
    }
}
