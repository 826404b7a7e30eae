using LlmLab.Text;
using Parquet;
using Parquet.Schema;

namespace LlmLab.Tests.Text;

public class CorpusReadersTests
{
    static List<Document> All(IDocumentSource s) => s.Read().ToList();

    [Fact]
    public void Small_text_file_is_one_document()
    {
        using var dir = new TempDir();
        string path = dir.File("a.txt", "Hello world.\r\n\r\nSecond paragraph.\r\n\n");
        var docs = All(Corpora.Open(path));
        var d = Assert.Single(docs);
        Assert.Equal(new Document("a.txt#1", "Hello world.\n\nSecond paragraph.", "a.txt"), d);
    }

    [Fact]
    public void Large_text_file_is_split_at_blank_lines_into_documents_of_at_least_the_minimum()
    {
        using var dir = new TempDir();
        // 200 paragraphs of 600 characters: 120 KB > 64 KiB, so split; two paragraphs reach 1,000 chars.
        var paragraphs = Enumerable.Range(0, 200).Select(i => $"p{i:D3} " + new string('x', 595)).ToList();
        string path = dir.File("book.md", string.Join("\n\n\n", paragraphs) + "\n");
        var docs = All(Corpora.Open(path));
        Assert.Equal(100, docs.Count);
        Assert.Equal(Enumerable.Range(1, 100).Select(n => $"book.md#{n}"), docs.Select(d => d.Id));
        Assert.Equal(paragraphs[0] + "\n\n" + paragraphs[1], docs[0].Text);
        Assert.All(docs, d => Assert.True(d.Text.Length >= TextFileSource.MinSplitChars));
        Assert.Equal(string.Join("\n\n", paragraphs), string.Join("\n\n", docs.Select(d => d.Text)));
    }

    [Fact]
    public void Jsonl_reads_the_text_field_skips_blank_lines_and_numbers_ids_by_line()
    {
        using var dir = new TempDir();
        string path = dir.File("c.jsonl", "{\"text\":\"first\",\"n\":1}\n\n{\"text\":\"caf\\u00e9 \\\"q\\\"\"}\n");
        var docs = All(Corpora.Open(path));
        Assert.Equal([new Document("c.jsonl:1", "first", "c.jsonl"), new Document("c.jsonl:3", "café \"q\"", "c.jsonl")], docs);
    }

    [Fact]
    public void Jsonl_reads_a_named_field()
    {
        using var dir = new TempDir();
        string path = dir.File("c.ndjson", "{\"body\":\"one\"}\n{\"body\":\"two\"}\n");
        Assert.Equal(["one", "two"], All(Corpora.Open(path, "body")).Select(d => d.Text));
    }

    [Fact]
    public void Jsonl_missing_field_fails_at_open_naming_file_line_field_and_fix()
    {
        using var dir = new TempDir();
        string path = dir.File("x.jsonl", "{\"content\":\"a\"}\n");
        var e = Assert.Throws<InputException>(() => Corpora.Open(path));
        Assert.Equal("x.jsonl line 1 has no string field \"text\" (fields: content); choose the field with --field NAME", e.Message);
    }

    [Fact]
    public void Jsonl_malformed_later_line_fails_when_read_naming_the_line()
    {
        using var dir = new TempDir();
        string path = dir.File("x.jsonl", "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\": oops}\n");
        var source = Corpora.Open(path); // only the first record is checked eagerly
        var e = Assert.Throws<InputException>(() => source.Read().ToList());
        Assert.StartsWith("line 3 of x.jsonl is not valid JSON: ", e.Message);
        Assert.DoesNotContain("Path:", e.Message);
    }

    [Fact]
    public void Jsonl_line_that_is_not_an_object_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("x.jsonl", "[1,2]\n");
        var e = Assert.Throws<InputException>(() => Corpora.Open(path));
        Assert.StartsWith("line 1 of x.jsonl is a JSON array, not an object", e.Message);
    }

    [Fact]
    public async Task Parquet_reads_the_text_column_across_row_groups_skipping_nulls()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "p.parquet");
        await WriteParquet(path, [["alpha", null, "gamma"], ["delta"]], column: "text");
        var docs = All(Corpora.Open(path));
        Assert.Equal([new Document("p.parquet:0", "alpha", "p.parquet"), new Document("p.parquet:2", "gamma", "p.parquet"),
            new Document("p.parquet:3", "delta", "p.parquet")], docs);
    }

    [Fact]
    public async Task Parquet_named_column_and_missing_column()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "p.parquet");
        await WriteParquet(path, [["one", "two"]], column: "content");
        Assert.Equal(["one", "two"], All(Corpora.Open(path, "content")).Select(d => d.Text));
        var e = Assert.Throws<InputException>(() => Corpora.Open(path));
        Assert.Equal("p.parquet has no string column \"text\" (columns: id, content); choose the column with --field NAME", e.Message);
    }

    [Fact]
    public void Not_a_parquet_file_is_an_input_error()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.parquet", "this is not parquet at all, just some text");
        var e = Assert.Throws<InputException>(() => Corpora.Open(path));
        Assert.StartsWith("bad.parquet is not a readable Parquet file", e.Message);
    }

    [Fact]
    public void Directory_reads_supported_files_recursively_in_ordinal_path_order()
    {
        using var dir = new TempDir();
        dir.File("b.txt", "bee");
        dir.File("a/z.jsonl", "{\"text\":\"zed\"}\n");
        dir.File("B.md", "capital bee");
        dir.File("notes.csv", "ignored");
        dir.File(".hidden/h.txt", "ignored too");
        var source = Corpora.Open(dir.Path);
        var docs = All(source);
        Assert.Equal(["B.md#1", "a/z.jsonl:1", "b.txt#1"], docs.Select(d => d.Id));
        Assert.Equal(docs, All(source)); // deterministic, re-readable
    }

    [Fact]
    public void Directory_validates_its_files_at_open()
    {
        using var dir = new TempDir();
        dir.File("ok.txt", "fine");
        dir.File("sub/x.jsonl", "{\"body\":\"a\"}\n");
        var e = Assert.Throws<InputException>(() => Corpora.Open(dir.Path));
        Assert.StartsWith("sub/x.jsonl line 1 has no string field \"text\"", e.Message);
    }

    [Theory]
    [InlineData("missing.jsonl", "corpus file '{0}' not found")]
    [InlineData("data.csv", "corpus file '{0}' has an unsupported extension '.csv'; use .txt, .md, .jsonl, .ndjson or .parquet, or a directory of them")]
    [InlineData("empty.jsonl", "corpus file '{0}' is empty")]
    public void Bad_paths_name_the_file_and_the_fix(string name, string expected)
    {
        using var dir = new TempDir();
        if (name != "missing.jsonl") dir.File(name, name == "data.csv" ? "a,b" : "");
        string path = Path.Combine(dir.Path, name);
        var e = Assert.Throws<InputException>(() => Corpora.Open(path));
        Assert.Equal(string.Format(expected, path), e.Message);
    }

    [Fact]
    public void Field_on_a_text_file_and_an_empty_directory_are_refused()
    {
        using var dir = new TempDir();
        string txt = dir.File("a.txt", "hello");
        Assert.Contains("--field applies to .jsonl/.ndjson/.parquet", Assert.Throws<InputException>(() => Corpora.Open(txt, "body")).Message);
        Directory.CreateDirectory(Path.Combine(dir.Path, "empty"));
        Assert.Contains("has no .txt, .md, .jsonl, .ndjson or .parquet files",
            Assert.Throws<InputException>(() => Corpora.Open(Path.Combine(dir.Path, "empty"))).Message);
    }

    static async Task WriteParquet(string path, string?[][] rowGroups, string column)
    {
        var id = new DataField<int>("id");
        var text = new DataField<string>(column);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, text), stream);
        int next = 0;
        foreach (var group in rowGroups)
        {
            using var g = writer.CreateRowGroup();
            await g.WriteAsync(id, (ReadOnlyMemory<int>)Enumerable.Range(next, group.Length).ToArray(), null, null, default);
            await g.WriteAsync(text, group, null);
            next += group.Length;
        }
    }
}
