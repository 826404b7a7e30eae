using LlmLab.Cli;

namespace LlmLab.Tests.Cli;

/// <summary>
/// Every verb of <c>llmlab</c> (taken from <see cref="CliApp.Commands"/>, so a new verb without cases here fails) driven
/// through bad command lines: an unknown option, an option without its value, missing and wrong-type arguments,
/// unreadable inputs, unwritable outputs (a genuinely read-only tmpfs: root ignores chmod) and an output that is the
/// input. Each must exit 2 with exactly one line on stderr ("error: …"), no stack trace, and leave the working
/// directory exactly as it was.
/// </summary>
public sealed class BadPathSweepTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The paths the cases use: a writable folder with a small corpus, a file and a folder, a read-only mount
    /// and a path that does not exist.</summary>
    sealed record Paths(string Root, string Ro, string Corpus, string File, string Dir, string Missing, string Tokenizer, string Config);

    /// <summary>Per verb, the bad command lines beyond the generic ones (after the verb's words).</summary>
    static readonly Dictionary<string, Func<Paths, string[][]>> Cases = new()
    {
        ["labs list"] = p => [["--level", "expert"], ["--path", "art"]],
        ["labs show"] = p => [[], ["99.9"], ["2.1", "--profile", "huge"]],
        ["labs run"] = p => [[], ["2.1", "--seed", "x"], ["2.1", "--threads", "0"], ["2.1", "--corpus", p.Missing],
            ["2.1", "--runs", Path.Combine(p.Ro, "runs")], ["2.1", "--runs", p.File], ["2.1", "--set", "nokey=1"],
            ["7.1", "--set", "base=" + p.Missing], ["7.1", "--set", "base=" + p.File], ["7.1", "--set", "base=" + p.Dir]],
        ["bench threads"] = p => [["--sizes", "abc"], ["--repeats", "x"], ["extra"]],
        ["bench lstm"] = p => [["--steps", "x"], ["--corpus", p.Missing]],
        ["bench tokenizer"] = p => [["--input", p.Missing], ["--vocab-size", "x"]],
        ["bench attention"] = p => [["--t", "abc"], ["--causal", "maybe"], ["--repeats", "0"]],
        ["bench generate"] = p => [["--layers", "x"], ["--json", Path.Combine(p.Ro, "g.json")], ["--json", p.Dir]],
        ["bench train"] = p => [["--steps", "x"], ["--json", Path.Combine(p.Ro, "t.json")], ["--models", "1t"]],
        ["bench shard"] = p => [["--stages", "zero4"], ["--stages", "zero3,zero9"], ["--ranks", "0"], ["--steps", "1"],
            ["--json", Path.Combine(p.Ro, "s.json")], ["extra"]],
        ["bench dedup"] = p => [["--docs", "x"], ["--input", p.Missing]],
        ["bench serve"] = p => [[], ["--url", "http://127.0.0.1:9", "--rate", "x"],
            ["--url", "http://127.0.0.1:9", "--rate", "1", "--out", Path.Combine(p.Ro, "s")]],
        ["usecase new"] = p => [[], [Path.Combine(p.Ro, "u.yaml")], [Path.Combine(p.Dir)], [p.File]],
        ["usecase check"] = p => [[], [p.Missing], [p.Corpus]],
        ["corpus info"] = p => [[p.Missing], [p.Missing + ".jsonl"]],
        ["estimate"] = p => [[], ["--model", p.Missing], ["--model", "gpt2", "--seq", "x"]],
        ["tokenizer train"] = p => [[], ["--out", Path.Combine(p.Root, "t.bin")], ["--vocab-size", "x", "--out", Path.Combine(p.Root,
            "t.bin")],
            ["--vocab-size", "260", "--input", p.Missing, "--out", Path.Combine(p.Root, "t.bin")],
            ["--vocab-size", "260", "--input", p.Corpus, "--out", Path.Combine(p.Ro, "t.bin")],
            ["--vocab-size", "260", "--input", p.Corpus, "--out", p.Dir],
            ["--vocab-size", "260", "--input", p.Corpus, "--out", p.Corpus]],
        ["tokenizer encode"] = p => [[], ["--tokenizer", p.Missing, "hello"], ["--tokenizer", "gpt2", "--file", p.Missing]],
        ["tokenizer decode"] = p => [[], ["--tokenizer", p.Missing, "1"]],
        ["tokenizer info"] = p => [[], ["--tokenizer", p.Missing]],
        ["tokenizer export"] = p => [[], ["--tokenizer", p.Tokenizer, "--format", "xml", "--out", Path.Combine(p.Root, "x")],
            ["--tokenizer", p.Tokenizer, "--format", "tiktoken", "--out", Path.Combine(p.Ro, "t.tiktoken")],
            ["--tokenizer", p.Tokenizer, "--format", "gpt2", "--out", Path.Combine(p.Ro, "gpt2")],
            ["--tokenizer", p.Tokenizer, "--format", "tiktoken", "--out", p.Tokenizer],
            ["--tokenizer", p.Tokenizer, "--format", "gpt2", "--out", p.File]],
        ["export gguf"] = p => [[], ["--checkpoint", p.Missing, "--out", Path.Combine(p.Root, "m.gguf")],
            ["--checkpoint", p.Dir, "--out", Path.Combine(p.Root, "m.gguf")], ["--checkpoint", p.Dir, "--out", Path.Combine(p.Ro,
                "m.gguf")],
            ["--checkpoint", p.Dir, "--out", p.Dir], ["--checkpoint", p.Dir, "--out", Path.Combine(p.Root, "m.gguf"), "--type", "q5_k"]],
        ["export inspect"] = p => [[], [p.Missing], [p.Corpus], [p.Dir], [p.Corpus, p.Corpus]],
        ["export hf"] = p => [[], ["--checkpoint", p.Missing, "--out", Path.Combine(p.Root, "hf")],
            ["--checkpoint", p.Dir, "--out", Path.Combine(p.Root, "hf")], ["--checkpoint", p.Dir, "--out", Path.Combine(p.Ro, "hf")],
            ["--checkpoint", p.Dir, "--out", p.File], ["--checkpoint", p.Dir, "--out", p.Dir]],
        ["data stats"] = p => [[p.Missing], [p.Corpus, "--max-documents", "x"], [p.Corpus, "--out", Path.Combine(p.Ro, "st")],
            [p.Corpus, "--out", p.File], [p.Corpus, "--out", Path.Combine(p.Root, "st")]], // the last: a corpus too small for the fits
        ["data langid-train"] = p => [[], ["--out", Path.Combine(p.Root, "l"), "--grams", "x"],
            ["--out", Path.Combine(p.Ro, "l"), "--lang", $"en={p.Dir}", "--lang", $"fr={p.Dir}"]],
        ["data shard"] = p => [[], ["--tokenizer", "gpt2", "--out", Path.Combine(p.Root, "s"), "--shard-tokens", "x"],
            ["--tokenizer", "gpt2", "--out", Path.Combine(p.Ro, "s"), "--source", $"a={p.Corpus}"],
            ["--tokenizer", "gpt2", "--out", Path.Combine(p.Root, "s"), "--source", $"a={p.Corpus}:abc"],
            ["--tokenizer", "gpt2", "--out", Path.Combine(p.Root, "s"), "--source", $"a={p.Missing}"],
            ["--tokenizer", "gpt2", "--out", p.File, "--source", $"a={p.Corpus}"]],
        ["data shard-info"] = p => [[], [p.Missing], [p.Dir]],
        ["data dedup"] = p => [[], [p.Missing, Path.Combine(p.Root, "o.jsonl")], [p.Corpus, Path.Combine(p.Root, "o.jsonl"),
            "--threshold", "x"],
            [p.Corpus, Path.Combine(p.Ro, "o.jsonl")]],
        ["train"] = p => [[], ["--config", p.Missing], ["--config", p.Config, "--out", Path.Combine(p.Ro, "run")],
            ["--config", p.Config, "--out", p.File], ["--config", p.Config, "--out", Path.Combine(p.Root, "run"), "--set",
                "trainer.steps=abc"],
            ["--config", p.Config, "--out", Path.Combine(p.Root, "run"), "--set", "model=null"],
            ["--config", p.Config, "--out", Path.Combine(p.Root, "run"), "--set", "trainer.device=cuda"],
            ["--config", p.Config, "--resume", p.Dir], ["--config", p.Config, "--resume", p.Missing]],
        ["generate"] = p => [[], ["--checkpoint", p.Missing, "--prompt", "x"],
            ["--checkpoint", p.Dir, "--prompt", "x", "--max-tokens", "x"], ["--checkpoint", p.Dir, "--prompt", "x", "--activations", "q4"],
            ["--checkpoint", Path.Combine(p.Root, "no.gguf"), "--prompt", "x"]],
        ["serve"] = p => [[], ["--demo", "--port", "x"], ["--checkpoint", p.Missing], ["--demo", "--refusal-gate", p.Missing],
            ["--demo", "--refusal-gate", p.Corpus], ["--demo", "--drain-timeout", "-1"], ["--demo", "--rate-burst", "0"],
            ["--demo", "--cache", "fuzzy"], ["--demo", "--cache", "semantic", "--cache-threshold", "1.5"],
            ["--demo", "--cache", "semantic", "--cache-threshold", "-0.1"], ["--demo", "--cache-threshold", "0.9"],
            ["--demo", "--cache", "exact", "--cache-threshold", "0.9"], ["--demo", "--cache", "exact", "--cache-ttl", "0"],
            ["--demo", "--cache", "exact", "--cache-size", "0"], ["--demo", "--cache", "exact", "--cache-redis", "no-port"],
            ["--demo", "--cache", "exact", "--cache-redis", "127.0.0.1:1"], ["--demo", "--cascade", $"small={p.Dir},large={p.Dir}"],
            ["--cascade", $"small={p.Dir}"], ["--cascade", $"small={p.Missing},large={p.Dir}"],
            ["--cascade", $"small={p.Dir},large={p.Dir},threshold=2"], ["--cascade", $"small={p.Dir},large={p.Dir},size=3"]],
        ["refusal train-gate"] = p => [[], ["--out", Path.Combine(p.Ro, "g.json")], ["--out", p.Dir], ["--out", Path.Combine(p.Root,
            "g.json"), "--features", "bert"],
            ["--out", Path.Combine(p.Root, "g.json"), "--threshold", "x"], ["--out", Path.Combine(p.Root, "g.json"), "--threshold", "1.5"],
            ["--out", Path.Combine(p.Root, "g.json"), "--data", p.Missing], ["--out", Path.Combine(p.Root, "g.json"), "--data", p.Corpus],
            ["--out", p.Corpus, "--data", p.Corpus], ["--out", Path.Combine(p.Root, "g.json"), "--per-category", "0"]],
        ["rag index"] = p => [[], [p.Corpus], [p.Missing, "--db", Path.Combine(p.Root, "r.db")], [p.Corpus, "--db", Path.Combine(p.Ro,
            "r.db")],
            [p.Corpus, "--db", p.Corpus], [p.Corpus, "--db", p.Dir], [p.Corpus, "--db", Path.Combine(p.Root, "r.db"), "--max-tokens", "x"]],
        ["rag ask"] = p => [[], ["what?"], ["what?", "--db", p.Missing], ["what?", "--db", p.Corpus], ["", "--db", p.Corpus],
            ["what?", "--db", p.Corpus, "--openai-base-url", "ftp://x", "--model", "m"], ["what?", "--db", p.Corpus, "--model", p.Missing],
            ["what?", "--db", p.Corpus, "--openai-base-url", "http://127.0.0.1:9/v1"]],
        ["rag eval"] = p => [[], ["--db", p.Missing, "--questions", p.Corpus], ["--db", p.Corpus, "--questions", p.Missing],
            ["--db", p.Corpus, "--questions", p.Corpus, "--openai-base-url", "ftp://x", "--model", "m"],
            ["--db", p.Corpus, "--questions", p.Corpus, "--judge-model", "m"],
            ["--db", p.Corpus, "--questions", p.Corpus, "--answers", "--judge-base-url", "http://127.0.0.1:9/v1"],
            ["--db", p.Corpus, "--questions", p.Corpus, "--answers", "--judge-model", "m", "--judge-base-url", "ftp://x"],
            ["--db", p.Corpus, "--questions", p.Corpus, "--answers", "--judge-model", p.Missing],
            ["--db", p.Corpus, "--questions", p.Corpus, "--answers", "--judge-model", p.Dir]],
        ["bench vectors"] = p => [["--n", "x"], ["--ef-search", "a,b"], ["--dim", "0"]],
        ["agent sample"] = p => [[], [p.File], [Path.Combine(p.Ro, "ws")], [p.Root], ["a", "b"]],
        ["agent run"] = p => [[], ["hi"], ["", "--scripted"], ["hi", "--scripted", "--checkpoint", p.Dir], ["hi", "--scripted", "--db",
            p.Missing],
            ["hi", "--scripted", "--db", p.Corpus], ["hi", "--scripted", "--files", p.Missing], ["hi", "--scripted", "--rag", p.Missing],
            ["hi", "--scripted", "--trace", Path.Combine(p.Ro, "t.jsonl")], ["hi", "--scripted", "--trace", p.Dir],
            ["hi", "--scripted", "--stream", "--trace", p.Dir],
            ["hi", "--scripted", "--max-calls", "x"], ["hi", "--scripted", "--wall-time-s", "0"],
            ["hi", "--openai-base-url", "ftp://x", "--openai-model", "m"], ["hi", "--openai-base-url", "http://127.0.0.1:9/v1"],
            ["hi", "--checkpoint", p.Missing], ["hi", "--scripted", "--mcp-url", "nonsense"],
            ["hi", "--scripted", "--mcp-url", "http://127.0.0.1:9/mcp", "--db", p.Corpus]],
        ["mcp serve"] = p => [["--db", p.Missing], ["--db", p.Corpus], ["--files", p.Missing], ["--files", p.File], ["--rag", p.Missing],
            ["--http", "ftp://x"], ["extra"]],
        ["sft"] = p => [[], ["--base", p.Missing, "--data", p.Corpus, "--out", Path.Combine(p.Root, "o")],
            ["--base", p.File, "--data", p.Corpus, "--out", Path.Combine(p.Root, "o")],
            ["--base", p.Dir, "--data", p.Missing, "--out", Path.Combine(p.Root, "o")],
            ["--base", p.Dir, "--data", p.Corpus, "--out", Path.Combine(p.Ro, "o")],
            ["--base", p.Dir, "--data", p.Corpus, "--out", p.File],
            ["--base", p.Dir, "--data", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--lora-rank", "x"]],
        ["rm"] = p => [[], ["--sft", p.Missing, "--pairs", p.Corpus, "--out", Path.Combine(p.Root, "o")],
            ["--sft", p.Dir, "--pairs", p.Missing, "--out", Path.Combine(p.Root, "o")],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", Path.Combine(p.Ro, "o")],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", p.File],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--steps", "x"],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--config", p.Missing]],
        ["dpo"] = p => [[], ["--sft", p.Missing, "--pairs", p.Corpus, "--out", Path.Combine(p.Root, "o")],
            ["--sft", p.Dir, "--pairs", p.Missing, "--out", Path.Combine(p.Root, "o")],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", Path.Combine(p.Ro, "o")],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", p.File],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--beta", "x"],
            ["--sft", p.Dir, "--pairs", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--config", p.Corpus]],
        ["ppo"] = p => [[], ["--sft", p.Dir, "--prompts", p.Corpus, "--out", Path.Combine(p.Root, "o")],
            ["--sft", p.Dir, "--prompts", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--checker", "--reward-model", p.Dir],
            ["--sft", p.Missing, "--prompts", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--checker"],
            ["--sft", p.Dir, "--prompts", p.Missing, "--out", Path.Combine(p.Root, "o"), "--checker"],
            ["--sft", p.Dir, "--prompts", p.Corpus, "--out", Path.Combine(p.Ro, "o"), "--checker"],
            ["--sft", p.Dir, "--prompts", p.Corpus, "--out", p.File, "--checker"],
            ["--sft", p.Dir, "--prompts", p.Corpus, "--out", Path.Combine(p.Root, "o"), "--checker", "--rollouts", "x"]],
        ["chat"] = p => [[], ["--user", ""], ["--user", "u", "--db", Path.Combine(p.Ro, "m.db")], ["--user", "u", "--db", p.Dir],
            ["--user", "u", "--db", p.Corpus], ["--user", "u", "--db", Path.Combine(p.Root, "m.db"), "--script", p.Missing],
            ["--user", "u", "--db", Path.Combine(p.Root, "m.db"), "--k", "x"], ["--user", "u", "--db", Path.Combine(p.Root, "m.db"),
                "--model", p.Missing],
            ["--user", "u", "--db", Path.Combine(p.Root, "m.db"), "--openai-base-url", "ftp://x", "--model", "m"],
            ["--user", "u", "--db", Path.Combine(p.Root, "m.db"), "--session", "a b"]],
        ["chat memories list"] = p => [[], ["--user", "u", "--db", p.Missing], ["--user", "u", "--db", p.Corpus], ["--user", "u",
            "--db", p.Dir]],
        ["chat memories export"] = p => [[], ["--user", "u", "--db", p.Missing], ["--user", "u", "--db", p.Corpus],
            ["--user", "u", "--db", p.Missing, "--out", Path.Combine(p.Ro, "e.json")], ["--user", "u", "--db", p.Corpus, "--out", p.Corpus],
            ["--user", "u", "--db", p.Corpus, "--out", p.Dir]],
        ["chat memories delete"] = p => [[], ["--user", "u", "--db", p.Missing, "--all"], ["--user", "u", "--db", p.Corpus, "--all"],
            ["--user", "u", "--db", p.Missing], ["--user", "u", "--db", p.Missing, "--all", "--match", "x"],
            ["--user", "u", "--db", p.Missing, "--match", "x"]],
        ["data synth"] = p => [[], ["--out", Path.Combine(p.Root, "t.jsonl")], ["--out", Path.Combine(p.Root, "t.jsonl"), "--test-out",
            Path.Combine(p.Root, "e.jsonl"), "--n", "x"],
            ["--out", Path.Combine(p.Root, "t.jsonl"), "--test-out", Path.Combine(p.Root, "e.jsonl"), "--teacher-fraction", "0.5"],
            ["--out", Path.Combine(p.Root, "t.jsonl"), "--test-out", Path.Combine(p.Root, "e.jsonl"), "--teacher-model", "m",
                "--teacher-base-url", "ftp://x"],
            ["--out", Path.Combine(p.Ro, "t.jsonl"), "--test-out", Path.Combine(p.Root, "e.jsonl")],
            ["--out", Path.Combine(p.Root, "t.jsonl"), "--test-out", Path.Combine(p.Root, "t.jsonl")],
            ["--out", Path.Combine(p.Root, "t.jsonl"), "--test-out", Path.Combine(p.Root, "e.jsonl"), "--families", "poetry"]],
        ["prompts new"] = p => [[], [Path.Combine(p.Ro, "p.yaml")], [p.Dir], [p.File], [Path.Combine(p.Root, "p.txt")]],
        ["prompts eval"] = p => [[], [p.Missing], [p.Corpus], [PromptFile(p, "type", "type: equals", "type: similar")],
            [PromptFile(p, "var", "{{answer}}", "{{answr}}")], [PromptFile(p, "key", "max_ms: 5000", "max_ms: 5000\n        max_s: 5")],
            [PromptFile(p, "ok", "", ""), "--provider", "bogus"], [PromptFile(p, "ok", "", ""), "--provider", "local:" + p.Missing],
            [PromptFile(p, "ok", "", ""), "--out", Path.Combine(p.Ro, "r")], [PromptFile(p, "ok", "", ""), "--out", p.File]],
        ["drift reference"] = p => [[], ["--from", p.Missing, "--out", Path.Combine(p.Root, "r.json")],
            ["--from", p.Corpus, "--out", Path.Combine(p.Root, "r.json")], // not JSONL
            ["--from", DriftFiles(p).Rows, "--out", Path.Combine(p.Ro, "r.json")], ["--from", DriftFiles(p).Rows, "--out",
                DriftFiles(p).Rows],
            ["--from", DriftFiles(p).Rows, "--out", p.Dir], ["--from", DriftFiles(p).Empty, "--out", Path.Combine(p.Root, "r.json")]],
        ["drift check"] = p => DriftCheckCases(p, DriftFiles(p)),
    };

    public static TheoryData<string> Verbs() => new(CliApp.Commands.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Verbs))]
    public void Every_bad_command_line_is_exit_2_one_line_and_leaves_nothing_behind(string verb)
    {
        Assert.True(Cases.ContainsKey(verb), $"'llmlab {verb}' has no cases in the bad-path sweep: add its bad command lines to Cases");
        using var ro = TmpfsMount.Create(_root, 64, readOnly: true);
        string work = Directory.CreateDirectory(Path.Combine(_root, "work")).FullName;
        var paths = Fixture(work, ro.Path);
        var command = CliApp.Commands.Single(c => c.Name == verb);
        List<string[]> lines = [["--no-such-option"]];
        if (command.Options.Order(StringComparer.Ordinal).FirstOrDefault() is { } option) lines.Add(["--" + option]); // a value is missing
        lines.AddRange(Cases[verb](paths));

        var failures = new List<string>();
        foreach (var args in lines)
        {
            string before = DirectorySnapshot.Take(work), cwdBefore = string.Join(",", Directory.EnumerateFileSystemEntries(".").Order());
            string[] full = [.. verb.Split(' '), .. args];
            var (code, _, err) = CliRun.Run(full);
            string shown = $"llmlab {string.Join(' ', full)}";
            string[] errLines = err.TrimEnd('\n').Split('\n');
            if (code != 2) failures.Add($"{shown}: exit {code} (expected 2); stderr: {err}");
            else if (errLines.Length != 1 || !errLines[0].StartsWith("error: ", StringComparison.Ordinal))
                failures.Add($"{shown}: stderr is not one 'error: ' line: {err}");
            if (err.Contains("   at ", StringComparison.Ordinal)) failures.Add($"{shown}: stack trace on stderr");
            if (DirectorySnapshot.Take(work) != before) failures.Add($"{shown}: the working folder changed");
            if (string.Join(",", Directory.EnumerateFileSystemEntries(".").Order()) != cwdBefore) failures.Add($"{shown}: the current directory changed");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The <c>prompts new</c> template with one replacement, written once (before the sweep's snapshots).</summary>
    static string PromptFile(Paths p, string name, string from, string to)
    {
        string path = Path.Combine(p.Root, $"prompts-{name}.yaml");
        string text = LlmLab.Agents.Prompts.PromptSuiteTemplate.Text;
        File.WriteAllText(path, from.Length == 0 ? text : text.Replace(from, to, StringComparison.Ordinal));
        return path;
    }

    /// <summary>A reference, matching records, records with other columns and an empty file, for the drift verbs.</summary>
    static (string Reference, string Rows, string Other, string Empty) DriftFiles(Paths p)
    {
        string reference = Path.Combine(p.Root, "drift-ref.json"), rows = Path.Combine(p.Root, "drift-rows.jsonl");
        string other = Path.Combine(p.Root, "drift-other.jsonl"), empty = Path.Combine(p.Root, "drift-empty.jsonl");
        File.WriteAllText(reference, """{"format":"llmlab-drift-reference","version":1,"rows":3,"source":"t","columns":[{"name":"x","kind":"numeric","values":[1,2,3]}]}""");
        File.WriteAllLines(rows, ["""{"x":1}""", """{"x":2}"""]);
        File.WriteAllLines(other, ["""{"y":1}""", """{"y":2}"""]);
        File.WriteAllText(empty, "");
        return (reference, rows, other, empty);
    }

    static string[][] DriftCheckCases(Paths p, (string Reference, string Rows, string Other, string Empty) f) =>
    [
        [], ["--reference", f.Reference], ["--reference", p.Missing, "--current", f.Rows], ["--reference", f.Reference, "--current",
            p.Missing],
        ["--reference", p.Corpus, "--current", f.Rows], ["--reference", f.Rows, "--current", f.Rows],
        ["--reference", f.Reference, "--current", f.Other], // a reference with other columns
        ["--reference", f.Reference, "--current", f.Empty], // an empty window
        ["--reference", f.Reference, "--current", f.Rows, "--threshold", "1.5"], // outside [0, 1]
        ["--reference", f.Reference, "--current", f.Rows, "--drift-share", "-0.1"],
        ["--reference", f.Reference, "--current", f.Rows, "--distance-threshold", "x"],
        ["--reference", f.Reference, "--current", f.Rows, "--method", "magic"],
        ["--reference", f.Reference, "--current", f.Rows, "--report", Path.Combine(p.Ro, "r.html")],
        ["--reference", f.Reference, "--current", f.Rows, "--report", f.Rows],
        ["--reference", f.Reference, "--current", f.Rows, "--report", p.Dir],
    ];

    static Paths Fixture(string work, string ro)
    {
        string corpus = Path.Combine(work, "corpus.txt");
        File.WriteAllText(corpus, "a small corpus of a few words\nanother document with words\n");
        string file = Path.Combine(work, "existing.txt");
        File.WriteAllText(file, "keep me\n");
        string dir = Directory.CreateDirectory(Path.Combine(work, "folder")).FullName;
        string tokenizer = Path.Combine(work, "tok.bin");
        var (code, _, err) = CliRun.Run("tokenizer", "train", "--input", corpus, "--out", tokenizer, "--vocab-size", "260");
        Assert.True(code == 0, err);
        string config = Path.Combine(work, "train.json");
        File.WriteAllText(config, """
            { "model": { "vocab_size": 280, "n_positions": 16, "n_embd": 16, "n_layer": 1, "n_head": 2 },
              "data": { "vocab_size": 280, "train_bytes": 8000, "validation_bytes": 2000 },
              "trainer": { "steps": 2, "batch": 2, "context": 16, "learning_rate": 3e-3 }, "threads": 1 }
            """);
        return new Paths(work, ro, corpus, file, dir, Path.Combine(work, "missing.txt"), tokenizer, config);
    }
}
