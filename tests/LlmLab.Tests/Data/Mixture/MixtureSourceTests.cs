using LlmLab.Text;
using LlmLab.Data.Mixture;
using LlmLab.Tests.Data.Shards;
using LlmLab.Tests.Text;

namespace LlmLab.Tests.Data.Mixture;

public sealed class MixtureSourceTests
{
    [Fact]
    public void Parse_reads_name_path_and_an_optional_weight()
    {
        using var dir = new TempDir();
        string file = dir.File("web.txt", "some text to read");
        var s = MixtureSource.Parse($"web={file}:0.7");
        Assert.Equal(("web", file, 0.7), (s.Name, s.Origin, s.Weight!.Value));
        Assert.Null(MixtureSource.Parse($"web={file}").Weight);
        Assert.Contains("NAME=PATH", Assert.Throws<InputException>(() => MixtureSource.Parse(file)).Message);
        Assert.Contains("source name 'a b'", Assert.Throws<InputException>(() => MixtureSource.Parse($"a b={file}")).Message);
        Assert.Contains("the path is empty", Assert.Throws<InputException>(() => MixtureSource.Parse("web=:2")).Message);
        Assert.Contains("not found", Assert.Throws<InputException>(() => MixtureSource.Parse("web=/no/such/file.txt")).Message);
    }

    [Fact]
    public void Fortune_files_give_one_document_per_entry()
    {
        using var dir = new TempDir();
        string file = dir.File("cookies", "First fortune,\n  two lines.\n%\n%\nSecond.\n%\nThird, no final separator\n");
        var docs = new FortuneSource([file]).Read().ToList();
        Assert.Equal(["cookies:1", "cookies:2", "cookies:3"], docs.Select(d => d.Id));
        Assert.Equal("First fortune,\n  two lines.", docs[0].Text);
        Assert.Equal("Third, no final separator", docs[2].Text);
        Assert.Null(FortuneSource.FromDirectory(Path.Combine(dir.Path, "absent")));
    }

    [Fact]
    public void Take_stops_after_the_document_that_crosses_the_limit()
    {
        var source = new ListSource("s", ShardTestData.Docs("s", 50, 1));
        var docs = SourceViews.Take(source, 1000).Read().ToList();
        long before = docs.SkipLast(1).Sum(d => System.Text.Encoding.UTF8.GetByteCount(d.Text));
        Assert.True(before < 1000 && before + System.Text.Encoding.UTF8.GetByteCount(docs[^1].Text) >= 1000);
        Assert.Equal("s", SourceViews.Take(source, 1).Name);
        Assert.Single(SourceViews.Take(source, 1).Read());
    }
}
