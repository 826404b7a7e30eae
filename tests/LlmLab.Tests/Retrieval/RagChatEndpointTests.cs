using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmLab.Tests.Retrieval;

/// <summary><c>llmlab rag ask/eval --openai-base-url URL --model NAME</c> against an in-process fake OpenAI-compatible
/// endpoint: the grounded prompt goes out through the one factory (OpenAiCompatible) with the key from OPENAI_API_KEY, the
/// "model's" reply comes back, its citations are checked and its faithfulness scored.</summary>
public sealed class RagChatEndpointTests : IDisposable
{
    const string Key = "sk-fake-rag-0123456789";
    readonly string _dir = Directory.CreateTempSubdirectory("llmlab-ragchat").FullName;

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    // The "model": quotes the first sentence of source [1] and cites it; for an "invent" question cites a [9] it was never
    // given; for a "cheese" question makes a claim no source supports, citing [1].
    static string Reply(IReadOnlyList<string> messages)
    {
        string user = messages[^1];
        if (user.Contains("invent", StringComparison.Ordinal)) return "Packages come from the moon. [9]";
        if (user.Contains("cheese", StringComparison.Ordinal)) return "The moon is made of green cheese and orbits Jupiter. [1]";
        var first = Regex.Match(user, @"\[1\] \([^)]*\)\n([^.]*\.)").Groups[1].Value;
        return first + " [1]";
    }

    string Index()
    {
        string docs = Path.Combine(_dir, "docs.jsonl"), db = Path.Combine(_dir, "rag.db");
        File.WriteAllLines(docs,
        [
            JsonSerializer.Serialize(new { id = "apt", title = "APT", text = "apt-get install downloads a package and its " +
                "dependencies from the archive. The apt-get update command refreshes the list of available packages." }),
            JsonSerializer.Serialize(new { id = "release", title = "Releases", text = "Debian has three distributions: stable, " +
                "testing and unstable. The stable release receives security updates." }),
        ]);
        var (code, output, err) = CliRun.Run("rag", "index", docs, "--db", db);
        Assert.True(code == 0, err + output);
        return db;
    }

    static (int Code, string Out, string Err) WithKey(Func<(int, string, string)> run)
    {
        string? saved = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", Key);
        try { return run(); }
        finally { Environment.SetEnvironmentVariable("OPENAI_API_KEY", saved); }
    }

    [Fact]
    public async Task AskSendsTheGroundedPromptAndChecksTheReply()
    {
        string db = Index();
        await using var fake = await FakeOpenAiEndpoint.StartAsync(Reply);
        string[] Ask(string question) => ["rag", "ask", question, "--db", db, "--k", "2", "--json", "--openai-base-url", fake.BaseUrl,
            "--model", "fake-model"];

        var (code, output, err) = WithKey(() => CliRun.Run(Ask("How do I install a package with its dependencies?")));
        Assert.True(code == 0, err + output);
        using (var json = JsonDocument.Parse(output))
        {
            var r = json.RootElement;
            Assert.False(r.GetProperty("refused").GetBoolean(), output);
            Assert.Equal("apt-get install downloads a package and its dependencies from the archive. [1]",
                r.GetProperty("answer").GetString());
            Assert.Equal("fake-model", r.GetProperty("answerer").GetString());
            Assert.Equal([1], r.GetProperty("citations").EnumerateArray().Select(e => e.GetInt32()));
            Assert.Equal(1.0, r.GetProperty("faithfulness").GetDouble()); // a sentence quoted from the chunk it cites
            Assert.Equal("apt", r.GetProperty("chunks")[0].GetProperty("source_id").GetString());
            foreach (var stage in new[] { "embed", "retrieve", "rerank", "generate", "total" })
                Assert.True(r.GetProperty("latency_ms").GetProperty(stage).GetDouble() >= 0, stage);
            Assert.True(r.GetProperty("latency_ms").GetProperty("generate").GetDouble() > 0, output);
        }
        var (auth, body) = Assert.Single(fake.Requests);
        Assert.Equal("Bearer " + Key, auth);
        Assert.Equal("fake-model", body["model"]!.GetValue<string>());
        Assert.Equal(0, body["temperature"]!.GetValue<double>());
        string prompt = body["messages"]!.ToJsonString();
        Assert.Contains("[1] (APT)", prompt);
        Assert.Contains("[2] (", prompt);
        Assert.Contains("How do I install a package with its dependencies?", prompt);

        // A citation of a chunk that was never given: refused, and --verbose says which.
        (code, output, err) = WithKey(() => CliRun.Run(Ask("Please invent where packages come from")));
        Assert.True(code == 0, err + output);
        using (var json = JsonDocument.Parse(output))
        {
            Assert.True(json.RootElement.GetProperty("refused").GetBoolean(), output);
            Assert.Equal([9], json.RootElement.GetProperty("invented_citations").EnumerateArray().Select(e => e.GetInt32()));
        }

        // A claim its cited chunk does not support: answered (the citation exists) but scored unfaithful.
        (code, output, err) = WithKey(() => CliRun.Run(["rag", "ask", "Which release receives security updates? (cheese)", "--db", db,
            "--verbose", "--openai-base-url", fake.BaseUrl, "--model", "fake-model"]));
        Assert.True(code == 0, err + output);
        Assert.Contains("The moon is made of green cheese and orbits Jupiter. [1]", output);
        Assert.Contains("faithfulness 0.00: 0 of 1 sentences supported by a cited chunk", output);
        Assert.Contains("latency embed", output);
    }

    [Fact]
    public async Task EvalScoresTheChatAnswerer()
    {
        string db = Index();
        string questions = Path.Combine(_dir, "q.jsonl");
        File.WriteAllLines(questions,
        [
            JsonSerializer.Serialize(new { question = "How do I install a package with its dependencies?",
                answer = "apt-get install downloads a package and its dependencies.", relevant = new[] { "apt" } }),
            JsonSerializer.Serialize(new { question = "Which release receives security updates?", answer = "The stable release.",
                relevant = new[] { "release" } }),
        ]);
        await using var fake = await FakeOpenAiEndpoint.StartAsync(Reply);
        var (code, output, err) = WithKey(() => CliRun.Run("rag", "eval", "--db", db, "--questions", questions, "--answers", "--json",
            "--openai-base-url", fake.BaseUrl, "--model", "fake-model"));
        Assert.True(code == 0, err + output);
        using var json = JsonDocument.Parse(output);
        var chat = json.RootElement.GetProperty("chat");
        Assert.Equal(1.0, chat.GetProperty("valid_citations").GetDouble());
        Assert.Equal(1.0, chat.GetProperty("faithfulness").GetDouble());
        Assert.True(chat.GetProperty("ms_generate").GetDouble() > 0, output);
        Assert.Equal(2, fake.Requests.Count);
    }

    // The judge's verdict for each sentence of the two documents (what the extractive answers are made of): yes, no, an
    // unreadable reply, or an HTTP error from the endpoint.
    static readonly Dictionary<string, string> Verdicts = new()
    {
        ["apt-get install downloads a package and its dependencies from the archive."] = "{\"verdict\": \"supported\"}",
        ["The apt-get update command refreshes the list of available packages."] = "I believe this is supported.",
        ["Debian has three distributions: stable, testing and unstable."] = "http 400",
        ["The stable release receives security updates."] = "{\"verdict\": \"not_supported\"}",
    };

    static string Claim(IReadOnlyList<string> messages) =>
        messages[^1][(messages[^1].LastIndexOf("Claim: ", StringComparison.Ordinal) + 7)..];

    [Fact]
    public async Task EvalJudgesFaithfulnessThroughAnEndpoint()
    {
        string db = Index();
        string questions = Path.Combine(_dir, "q.jsonl");
        File.WriteAllLines(questions,
        [
            JsonSerializer.Serialize(new { question = "How do I install a package with its dependencies?",
                answer = "apt-get install.", relevant = new[] { "apt" } }),
            JsonSerializer.Serialize(new { question = "Which Debian release receives security updates?", answer = "Stable.",
                relevant = new[] { "release" } }),
        ]);
        await using var fake = await FakeOpenAiEndpoint.StartAsync(m => Verdicts[Claim(m)],
            m => Verdicts[Claim(m)] == "http 400" ? 400 : 200);
        string[] Eval(params string[] extra) => ["rag", "eval", "--db", db, "--questions", questions, "--answers",
            "--judge-model", "judge-x", "--judge-base-url", fake.BaseUrl, .. extra];
        var (code, output, err) = WithKey(() => CliRun.Run(Eval("--json")));
        Assert.True(code == 0, err + output);

        // Every judge call: the judge's instruction and one claim, temperature 0, the key, the judge's model name.
        var calls = fake.Requests.ToList();
        Assert.NotEmpty(calls);
        Assert.All(calls, c => Assert.Equal(("Bearer " + Key, "judge-x", 0.0), (c.Authorization, c.Body["model"]!.GetValue<string>(),
            c.Body["temperature"]!.GetValue<double>())));
        Assert.All(calls, c => Assert.Contains("strict fact checker", c.Body["messages"]![0]!.ToJsonString()));

        // The counts are the scripted verdicts of the claims asked (recorded by the endpoint), each kind in its own count.
        var asked = calls.Select(c => Verdicts[Claim(FakeOpenAiEndpoint.Texts(c.Body))]).ToList();
        Assert.True(asked.Distinct().Count() >= 3, string.Join(" | ", asked));
        using var json = JsonDocument.Parse(output);
        var judge = json.RootElement.GetProperty("judge");
        Assert.Equal("judge-x", judge.GetProperty("model").GetString());
        Assert.Equal(calls.Count, judge.GetProperty("sentences").GetDouble());
        Assert.Equal(asked.Count(v => v.Contains("\"supported\"")), judge.GetProperty("supported").GetDouble());
        Assert.Equal(asked.Count(v => v.Contains("not_supported")), judge.GetProperty("not_supported").GetDouble());
        Assert.Equal(asked.Count(v => v.StartsWith("I believe")), judge.GetProperty("unparseable").GetDouble());
        Assert.Equal(asked.Count(v => v == "http 400"), judge.GetProperty("failed").GetDouble());
        if (asked.Contains("http 400")) Assert.Contains("400", judge.GetProperty("first_error").GetString());
        // The lexical checker's figure stays beside it: extractive sentences are copied, so it is 1.
        Assert.Equal(1.0, json.RootElement.GetProperty("extractive").GetProperty("faithfulness").GetDouble());

        // Without --json: the counts in one line.
        (code, output, err) = WithKey(() => CliRun.Run(Eval()));
        Assert.True(code == 0, err + output);
        var line = Assert.Single(output.Split('\n'), l => l.StartsWith("judge-x: judge faithfulness", StringComparison.Ordinal));
        Assert.Contains("unparseable", line);
        Assert.Contains("failed", line);
    }

    [Fact]
    public void BadModelSettingsAreOneLineErrors()
    {
        string db = Index();
        var (code, _, err) = CliRun.Run("rag", "ask", "what?", "--db", db, "--openai-base-url", "ftp://example.org/v1", "--model", "m");
        Assert.Equal(2, code);
        Assert.Contains("not an http(s) URL", err);
        (code, _, err) = CliRun.Run("rag", "ask", "what?", "--db", db, "--openai-base-url", "http://127.0.0.1:9/v1");
        Assert.Equal(2, code);
        Assert.Contains("--model", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
