using System.Text;
using LlmLab.Data;
using LlmLab.Nn;
using LlmLab.Runtime;
using LlmLab.Text;
using static TorchSharp.torch;

namespace LlmLab.Tests.Nn;

public class MlpLanguageModelTests
{
    public MlpLanguageModelTests() => TorchRuntime.EnsureLoaded(1);

    sealed class ListSource(params string[] texts) : IDocumentSource
    {
        public string Name => "list";
        public IEnumerable<Document> Read(CancellationToken ct = default) => texts.Select((t, i) => new Document("doc" + i, t, "list"));
    }

    [Fact]
    public void Windows_pair_each_context_with_the_token_that_follows()
    {
        using var scope = NewDisposeScope();
        byte[] data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var (x, y) = ContextWindows.Sample(data, 5, 16, new Random(1));
        Assert.Equal(new long[] { 16, 5 }, x.shape);
        for (int b = 0; b < 16; b++) Assert.Equal(x[b, 4].item<long>() + 1, y[b].item<long>());
        var (ex, ey) = ContextWindows.Evenly(data, 5, 10);
        Assert.Equal(0, ex[0, 0].item<long>());
        Assert.Equal(5, ey[0].item<long>());
        Assert.Equal(10, ey.shape[0]);
    }

    [Fact]
    public void Corpus_bytes_stop_at_the_limit_and_keep_documents_apart()
    {
        var source = new ListSource(Enumerable.Range(0, 200).Select(i => $"document number {i}").ToArray());
        byte[] train = CorpusBytes.Load(source, 100);
        Assert.Equal(100, train.Length);
        Assert.StartsWith("document number", Encoding.UTF8.GetString(train));
        Assert.Contains((byte)'\n', train);
        Assert.Throws<InputException>(() => CorpusBytes.Load(new ListSource(), 100));
    }

    [Fact]
    public void Initial_loss_is_near_ln_V_and_training_lowers_it()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var model = new MlpLanguageModel(new MlpLmConfig(Context: 4, Embed: 8, Hidden: 32, Layers: 2));
        byte[] data = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("the cat sat on the mat. ", 50)));
        var (x, y) = ContextWindows.Evenly(data, 4, 256);
        double initial = nn.functional.cross_entropy(model.call(x), y).item<float>();
        Assert.InRange(initial, Math.Log(256) - 0.5, Math.Log(256) + 0.5);
        using var opt = optim.Adam(model.parameters(), 1e-2);
        for (int i = 0; i < 100; i++)
        {
            using var s = NewDisposeScope();
            opt.zero_grad();
            nn.functional.cross_entropy(model.call(x), y).backward();
            opt.step();
        }
        Assert.True(nn.functional.cross_entropy(model.call(x), y).item<float>() < 0.5);
    }
}
