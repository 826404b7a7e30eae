using System.Text.Json;

namespace LlmLab.Tests.Data.Dedup;

/// <summary><c>llmlab data dedup</c> and <c>llmlab bench dedup</c> in process: round trip, resume, bad input.</summary>
public class DedupCliTests
{
    static string Line(string text) => JsonSerializer.Serialize(new { text });

    /// <summary>40 documents: 30 distinct, 5 exact copies (other case), 5 near copies (one word changed).</summary>
    static string Corpus(DedupTestData t, string name = "in.jsonl", string? extraLine = null)
    {
        var originals = DedupTestData.Corpus(groups: 0, copies: 0, unique: 30, seed: 3).Documents.Select(d => d.Text).ToList();
        var lines = originals.Select(Line).ToList();
        for (int i = 0; i < 5; i++) lines.Add(Line(originals[i].ToUpperInvariant()));
        for (int i = 5; i < 10; i++) lines.Add(Line(originals[i] + " tail"));
        if (extraLine is not null) lines.Insert(2, extraLine);
        string path = Path.Combine(t.Dir, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Round_trip_writes_kept_removed_and_report_then_resumes()
    {
        using var t = new DedupTestData();
        string input = Corpus(t), output = Path.Combine(t.Dir, "kept.jsonl");
        var (code, stdout, err) = CliRun.Run("data", "dedup", input, output, "--threads", "1");
        Assert.True(code == 0, err);
        Assert.Contains("documents  40: 5 exact and 5 near duplicates removed, 30 kept", stdout);
        Assert.Contains("lsh        16 bands × 8 rows for Jaccard ≥ 0.8", stdout);
        var kept = File.ReadAllLines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(30, kept.Count);
        Assert.Equal(File.ReadLines(input).First(), File.ReadLines(output).First()); // the input's record, unchanged
        var removed = File.ReadAllLines(Path.Combine(t.Dir, "kept.removed.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["exact", "exact", "exact", "exact", "exact", "near", "near", "near", "near", "near"],
            removed.Select(r => r.GetProperty("reason").GetString()));
        Assert.Equal("in.jsonl:1", removed[0].GetProperty("kept_id").GetString());
        Assert.Equal("in.jsonl:36", removed[5].GetProperty("id").GetString());
        Assert.InRange(removed[5].GetProperty("jaccard").GetDouble(), 0.8, 1);
        string report = File.ReadAllText(Path.Combine(t.Dir, "kept.report.md"));
        Assert.Contains("| removed as near-duplicates | 5 (12.5%) |", report);
        Assert.Contains("## Largest clusters", report);

        (code, stdout, err) = CliRun.Run("data", "dedup", input, output, "--threads", "2", "--resume");
        Assert.True(code == 0, err);
        Assert.Contains("reused     signatures, buckets, clusters", stdout);
        Assert.Equal(30, File.ReadAllLines(output).Length);

        (code, stdout, err) = CliRun.Run("data", "dedup", input, output, "--exact-only");
        Assert.True(code == 0, err);
        Assert.Contains("5 exact and 0 near duplicates removed, 35 kept", stdout);
    }

    [Fact]
    public void A_line_that_is_not_json_stops_with_its_line_number_or_is_skipped_and_counted()
    {
        using var t = new DedupTestData();
        string input = Corpus(t, extraLine: "{not json"), output = Path.Combine(t.Dir, "kept.jsonl");
        var (code, _, err) = CliRun.Run("data", "dedup", input, output);
        Assert.Equal(2, code);
        Assert.Contains("line 3 of in.jsonl is not valid JSON", err);
        Assert.False(File.Exists(output), "no half-written output");

        (code, var stdout, err) = CliRun.Run("data", "dedup", input, output, "--bad-lines", "skip");
        Assert.True(code == 0, err);
        Assert.Contains("skipped    1 malformed JSON line", stdout);
        Assert.Contains("line 3 of in.jsonl is not valid JSON", stdout);
        Assert.Equal(30, File.ReadAllLines(output).Length);
        Assert.Contains("| malformed JSON lines skipped | 1 |", File.ReadAllText(Path.Combine(t.Dir, "kept.report.md")));
    }

    [Fact]
    public void Output_records_carry_the_input_fields_unchanged()
    {
        using var t = new DedupTestData();
        var texts = DedupTestData.Corpus(groups: 0, copies: 0, unique: 4, seed: 9).Documents.Select(d => d.Text).ToList();
        string[] lines =
        [
            JsonSerializer.Serialize(new { id = "doc-a", url = "https://example.org/a", text = texts[0],
                meta = new { lang = "en", score = 0.5 } }),
            JsonSerializer.Serialize(new { id = "doc-b", text = texts[1] }),
            JsonSerializer.Serialize(new { id = "doc-a-copy", url = "https://example.org/c", text = texts[0].ToUpperInvariant() }),
            JsonSerializer.Serialize(new { text = texts[2], tags = new[] { "x", "y" } }),
        ];
        string input = Path.Combine(t.Dir, "in.jsonl"), output = Path.Combine(t.Dir, "kept.jsonl");
        File.WriteAllLines(input, lines);
        var (code, _, err) = CliRun.Run("data", "dedup", input, output);
        Assert.True(code == 0, err);
        Assert.Equal([lines[0], lines[1], lines[3]], File.ReadAllLines(output));
        var removed = JsonDocument.Parse(Assert.Single(File.ReadAllLines(Path.Combine(t.Dir, "kept.removed.jsonl")))).RootElement;
        Assert.Equal("in.jsonl:3", removed.GetProperty("id").GetString());
        Assert.Equal("in.jsonl:1", removed.GetProperty("kept_id").GetString());
        Assert.Equal("doc-a-copy", removed.GetProperty("record").GetProperty("id").GetString());
        Assert.Equal("https://example.org/c", removed.GetProperty("record").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("kept.removed.jsonl")]
    [InlineData("kept.report.md")]
    [InlineData("kept.jsonl")]
    public void An_input_named_like_one_of_the_outputs_is_refused_and_left_untouched(string inputName)
    {
        using var t = new DedupTestData();
        string input = Path.Combine(t.Dir, inputName);
        File.Copy(Corpus(t), input, overwrite: true);
        if (inputName.EndsWith(".md", StringComparison.Ordinal))
            File.WriteAllText(input, string.Join("\n\n", DedupTestData.Corpus(0, 0, 10, seed: 4).Documents.Select(d => d.Text)));
        byte[] before = File.ReadAllBytes(input);
        var (code, _, err) = CliRun.Run("data", "dedup", input, Path.Combine(t.Dir, "kept.jsonl"));
        Assert.Equal(2, code);
        Assert.Contains("it would be overwritten", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal(before, File.ReadAllBytes(input));
        Assert.False(Directory.Exists(Path.Combine(t.Dir, "kept.dedup")));
    }

    [Fact]
    public void An_output_inside_the_input_directory_is_refused()
    {
        using var t = new DedupTestData();
        string dir = Path.Combine(t.Dir, "corpus");
        Directory.CreateDirectory(dir);
        File.Move(Corpus(t), Path.Combine(dir, "in.jsonl"));
        var (code, _, err) = CliRun.Run("data", "dedup", dir, Path.Combine(dir, "sub", "kept.jsonl"));
        Assert.Equal(2, code);
        Assert.Contains("is inside the input directory", err);
        Assert.Equal(["in.jsonl"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        (code, _, err) = CliRun.Run("data", "dedup", dir + "/", Path.Combine(t.Dir, "kept.jsonl"));
        Assert.True(code == 0, err);
    }

    [Fact]
    public void A_failed_run_leaves_no_work_folder_behind()
    {
        using var t = new DedupTestData();
        string input = Corpus(t, extraLine: "{not json"), output = Path.Combine(t.Dir, "kept.jsonl");
        var (code, _, err) = CliRun.Run("data", "dedup", input, output);
        Assert.Equal(2, code);
        Assert.Contains("is not valid JSON", err);
        Assert.False(Directory.Exists(Path.Combine(t.Dir, "kept.dedup")), "empty work folder left behind");
        string work = Path.Combine(t.Dir, "mine");
        Directory.CreateDirectory(work);
        Assert.Equal(2, CliRun.Run("data", "dedup", input, output, "--work", work).Code);
        Assert.True(Directory.Exists(work), "a work folder that existed before is never removed");
    }

    [Fact]
    public void Report_says_when_the_partner_of_a_borderline_removal_was_removed_too()
    {
        // A chain: B is A with 2 words replaced (J(A, B) = 0.903), C is B with 3 more (J(B, C) = 0.858, J(A, C) = 0.774 < 0.8).
        // One cluster keeps A; B goes for A, C for B — C's partner B is removed, not kept.
        using var t = new DedupTestData();
        var rng = new Random(11);
        string[] a = Enumerable.Range(0, 200).Select(_ => $"w{rng.Next(100_000)}").ToArray();
        string[] b = (string[])a.Clone(), c;
        b[20] = "x1"; b[40] = "x2";
        c = (string[])b.Clone();
        c[120] = "y1"; c[140] = "y2"; c[160] = "y3";
        string input = Path.Combine(t.Dir, "in.jsonl"), output = Path.Combine(t.Dir, "kept.jsonl");
        File.WriteAllLines(input, new[] { a, b, c }.Select(w => Line(string.Join(' ', w))));
        var (code, stdout, err) = CliRun.Run("data", "dedup", input, output);
        Assert.True(code == 0, err);
        Assert.Contains("2 near duplicates removed, 1 kept", stdout);
        string report = File.ReadAllText(Path.Combine(t.Dir, "kept.report.md"));
        string closest = report[report.IndexOf("## Near-duplicates closest to the threshold", StringComparison.Ordinal)..];
        Assert.DoesNotContain("kept `in.jsonl:2`", closest);
        Assert.Contains("removed `in.jsonl:3` (near, J = 0.858 with `in.jsonl:2`; cluster 0 of 3, which keeps `in.jsonl:1`)", closest);
        Assert.Contains("its partner `in.jsonl:2`, also removed (near)", closest);
        Assert.Contains("its partner `in.jsonl:1`, kept", closest);
    }

    [Theory]
    [InlineData("missing.jsonl", null, "not found")]
    [InlineData("bad.parquet", "PAR1 this is not parquet", "is not a readable Parquet file")]
    [InlineData("empty.jsonl", "", "is empty")]
    [InlineData("blank.jsonl", "\n\n", "has no JSON lines")]
    public void Unreadable_and_empty_inputs_are_one_line_errors(string name, string? content, string message)
    {
        using var t = new DedupTestData();
        string input = Path.Combine(t.Dir, name);
        if (content is not null) File.WriteAllText(input, content);
        var (code, _, err) = CliRun.Run("data", "dedup", input, Path.Combine(t.Dir, "out.jsonl"));
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public void All_lines_bad_with_skip_is_an_empty_source()
    {
        using var t = new DedupTestData();
        string input = Path.Combine(t.Dir, "bad.jsonl");
        File.WriteAllLines(input, ["{x", "[1]", "{\"body\": \"a\"}"]);
        var (code, _, err) = CliRun.Run("data", "dedup", input, Path.Combine(t.Dir, "out.jsonl"), "--bad-lines", "skip");
        Assert.Equal(2, code);
        Assert.Contains("has no usable JSON line: all 3 were skipped", err);
    }

    [Theory]
    [InlineData("--threshold", "1.5", "--threshold must be between 0 and 1")]
    [InlineData("--bands", "4", "--bands and --rows go together")]
    [InlineData("--keep", "last", "--keep must be first or longest")]
    [InlineData("--stage", "sort", "--stage must be signatures, buckets, clusters or filter")]
    [InlineData("--normalize", "upper", "--normalize: unknown step 'upper'")]
    [InlineData("--bad-lines", "ignore", "--bad-lines must be stop or skip")]
    public void Bad_options_are_named(string option, string value, string message)
    {
        using var t = new DedupTestData();
        var (code, _, err) = CliRun.Run("data", "dedup", Corpus(t), Path.Combine(t.Dir, "out.jsonl"), option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }

    [Fact]
    public void Stages_run_separately_and_a_later_stage_needs_the_earlier_ones()
    {
        using var t = new DedupTestData();
        string input = Corpus(t), output = Path.Combine(t.Dir, "out.jsonl");
        var (code, _, err) = CliRun.Run("data", "dedup", input, output, "--stage", "buckets");
        Assert.Equal(2, code);
        Assert.Contains("signatures.bin' not found: run the signatures stage first", err);
        foreach (string stage in new[] { "signatures", "buckets", "clusters", "filter" })
        {
            (code, var stdout, err) = CliRun.Run("data", "dedup", input, output, "--stage", stage);
            Assert.True(code == 0, err);
            Assert.Contains($"ran        {stage}", stdout);
        }
        Assert.Equal(30, File.ReadAllLines(output).Length);
        (code, _, err) = CliRun.Run("data", "dedup", input, output, "--stage", "clusters", "--perm", "64");
        Assert.Equal(2, code);
        Assert.Contains("perm=128", err);
        Assert.Equal(2, CliRun.Run("data", "dedup", input, Path.Combine(t.Dir, "out.txt")).Code);
    }

    [Fact]
    public void Bench_prints_throughput_and_the_fitted_exponent()
    {
        using var t = new DedupTestData();
        var (code, stdout, err) = CliRun.Run("bench", "dedup", "--input", Corpus(t), "--docs", "10", "--repeats", "1");
        Assert.True(code == 0, err);
        Assert.Contains("peer: none", stdout);
        Assert.Contains("2 threads", stdout);
        Assert.Contains("fitted exponent", stdout);
        (code, _, err) = CliRun.Run("bench", "dedup", "--input", Corpus(t), "--docs", "20");
        Assert.Equal(2, code);
        Assert.Contains("needs 80", err);
    }
}
