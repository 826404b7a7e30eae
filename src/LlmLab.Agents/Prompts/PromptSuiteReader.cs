using System.Text.RegularExpressions;
using Json.Schema;
using LlmLab.Alignment;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmLab.Agents.Prompts;

/// <summary>
/// Reads a prompt evaluation file (YAML; the format is documented in docs/part-01.md and written, commented, by
/// <c>llmlab prompts new</c>). Strict: an unknown key, an unknown assertion type, a value of the wrong type, a duplicate
/// id, a bad regex or schema, or a template variable that a test does not define is an <see cref="InputException"/>
/// naming the file, the line and the key, before any model is asked. Thread-safe (stateless).
/// </summary>
public static class PromptSuiteReader
{
    static readonly string[] TopKeys = ["description", "providers", "options", "prompts", "tests"];
    static readonly Dictionary<AssertionKind, string[]> KeysOf = new()
    {
        [AssertionKind.Equal] = ["value", "ignore_case"], [AssertionKind.Contains] = ["value", "ignore_case"],
        [AssertionKind.Regex] = ["value", "ignore_case"], [AssertionKind.JsonSchema] = ["schema"], [AssertionKind.Task] = ["family",
            "value"],
        [AssertionKind.Latency] = ["max_ms"],
        [AssertionKind.Cost] = ["max_tokens", "max_usd", "input_usd_per_million", "output_usd_per_million"],
    };

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="InputException">A missing file or any error in it (see the class).</exception>
    public static PromptSuite Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new InputException($"prompt file '{path}' not found; write one with 'llmlab prompts new {path}'");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses prompt-file text; <paramref name="name"/> names it in messages.</summary>
    /// <exception cref="InputException">Any error in it (see the class).</exception>
    public static PromptSuite Parse(string text, string name)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new InputException($"{name}:{e.Start.Line}: not valid YAML ({(e.InnerException ?? e).Message.Split('\n')[0]}); " +
                "indent with spaces and quote text that starts with a special character", e);
        }
        if (stream.Documents.Count != 1) throw new InputException($"{name}: expected one YAML document (got {stream.Documents.Count})");
        var top = new YamlFields(stream.Documents[0].RootNode, name, "", TopKeys);
        var providers = top.List("providers").Select((n, i) => Provider(n, name, $"providers[{i}]")).ToList();
        var variants = top.List("prompts", required: true).Select((n, i) => Variant(n, name, $"prompts[{i}]")).ToList();
        var tests = top.List("tests", required: true).Select((n, i) => Test(n, name, $"tests[{i}]")).ToList();
        if (variants.Count == 0) throw top.Error(top.Node("prompts")!, "prompts is empty: give at least one prompt variant");
        if (tests.Count == 0) throw top.Error(top.Node("tests")!, "tests is empty: give at least one test case");
        Unique(variants.Select(v => (v.Id, v.User.Location)), "prompt id");
        Unique(tests.Select(t => (t.Id, t.Location)), "test id");
        Unique(providers.Select(p => (p.Id, name)), "provider id");
        var suite = new PromptSuite(name, top.String("description"), variants, tests, providers, Options(top));
        suite.CheckVariables();
        return suite;
    }

    static PromptOptions Options(YamlFields top)
    {
        if (top.Node("options") is not { } n) return new PromptOptions();
        var o = new YamlFields(n, top.File, "options", "temperature", "max_tokens", "seed");
        var d = new PromptOptions();
        return new PromptOptions(o.Double("temperature", 0, 2) ?? d.Temperature, (int)(o.Long("max_tokens", 1, 100_000) ?? d.MaxTokens),
            o.Long("seed", long.MinValue, long.MaxValue) ?? d.Seed);
    }

    static PromptVariant Variant(YamlNode node, string file, string path)
    {
        var f = new YamlFields(node, file, path, "id", "system", "user", "examples", "format", "reasoning");
        var examples = f.List("examples").Select((n, i) =>
        {
            var e = new YamlFields(n, file, $"{path}.examples[{i}]", "user", "assistant");
            return new FewShotExample(e.Text("user", required: true)!, e.Text("assistant", required: true)!);
        }).ToList();
        return new PromptVariant(f.String("id", required: true)!, f.Text("system"), f.Text("user", required: true)!, examples,
            f.Text("format"),
            f.Bool("reasoning", false));
    }

    static PromptTest Test(YamlNode node, string file, string path)
    {
        var f = new YamlFields(node, file, path, "id", "vars", "assert");
        string id = f.String("id") ?? path;
        var asserts = f.List("assert", required: true).Select((n, i) => Assertion(n, file, $"{path}.assert[{i}]")).ToList();
        if (asserts.Count == 0) throw f.Error(node, $"{path}.assert is empty: give at least one assertion");
        return new PromptTest(id, f.Strings("vars"), asserts, $"{file}:{node.Start.Line} {path}");
    }

    static PromptAssertion Assertion(YamlNode node, string file, string path)
    {
        var typeOnly = new YamlFields(node, file, path, [.. KeysOf.Values.SelectMany(k => k).Distinct().Prepend("type")]);
        string type = typeOnly.String("type", required: true)!;
        if (!PromptAssertion.Names.TryGetValue(type, out var kind))
            throw typeOnly.Error(typeOnly.Node("type")!, $"{path}.type: unknown assertion type '{type}'; use one of {string.Join(", ",
                PromptAssertion.Names.Keys)}");
        var f = new YamlFields(node, file, path, [.. KeysOf[kind].Prepend("type")]);
        string at = $"{f.At(node)} {path}";
        bool ignoreCase = f.Bool("ignore_case", false);
        switch (kind)
        {
            case AssertionKind.Equal or AssertionKind.Contains:
                return new(kind, f.Text("value", required: true), ignoreCase, null, null, null, null, null, 0, 0, at);
            case AssertionKind.Regex:
                var value = f.Text("value", required: true)!;
                if (value.Variables.Count == 0) CheckRegex(value.Text, f, path);
                return new(kind, value, ignoreCase, null, null, null, null, null, 0, 0, at);
            case AssertionKind.JsonSchema:
                return new(kind, null, false, Schema(f, path), null, null, null, null, 0, 0, at);
            case AssertionKind.Task:
                string name = f.String("family", required: true)!;
                var family = TaskFamilies.All.FirstOrDefault(x => x.Name == name)
                    ?? throw f.Error(f.Node("family")!, $"{path}.family: unknown task family '{name}'; use one of {string.Join(", ",
                        TaskFamilies.All.Select(x => x.Name))}");
                return new(kind, f.Text("value", required: true), false, null, family, null, null, null, 0, 0, at);
            case AssertionKind.Latency:
                return new(kind, null, false, null, null, f.Double("max_ms", 0, 1e9) ?? throw f.Missing("max_ms"), null, null, 0, 0, at);
            default:
                long? tokens = f.Long("max_tokens", 0, long.MaxValue);
                double? usd = f.Double("max_usd", 0, 1e9);
                if (tokens is null && usd is null) throw f.Missing("max_tokens or max_usd");
                double inPrice = f.Double("input_usd_per_million", 0, 1e6) ?? 0, outPrice = f.Double("output_usd_per_million", 0, 1e6) ?? 0;
                if (usd is not null && inPrice == 0 && outPrice == 0)
                    throw f.Error(f.Node("max_usd")!,
                        $"{path}.max_usd needs the prices: add input_usd_per_million and output_usd_per_million");
                return new(kind, null, false, null, null, null, tokens, usd, inPrice, outPrice, at);
        }
    }

    static void CheckRegex(string pattern, YamlFields f, string path)
    {
        try { _ = new Regex(pattern); }
        catch (ArgumentException e) { throw f.Error(f.Node("value")!, $"{path}.value is not a valid regular expression ({e.Message})"); }
    }

    static JsonSchema Schema(YamlFields f, string path)
    {
        var node = f.Node("schema") ?? throw f.Missing("schema");
        var json = YamlFields.ToJson(node) ?? throw f.Error(node, $"{path}.schema is empty: give a JSON Schema as a mapping");
        try
        {
            // A registry of its own, so two schemas with the same $id in one file (or run) do not clash.
            return JsonSchema.FromText(json.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        }
        catch (Exception e) when (e is not InputException)
        {
            throw f.Error(node, $"{path}.schema is not a valid JSON Schema ({e.Message.Split('\n')[0]})");
        }
    }

    static ProviderSpec Provider(YamlNode node, string file, string path)
    {
        var f = new YamlFields(node, file, path, "id", "local", "openai", "base_url", "scripted");
        string id = f.String("id", required: true)!;
        string[] kinds = new[] { "local", "openai", "scripted" }.Where(f.Has).ToArray();
        if (kinds.Length != 1) throw f.Error(node, $"{path} must have exactly one of local, openai and scripted (has {kinds.Length})");
        if (f.Has("base_url") && kinds[0] != "openai") throw f.Error(f.Node("base_url")!,
            $"{path}.base_url applies to openai providers only");
        if (kinds[0] != "scripted") return new ProviderSpec(id, kinds[0], f.String(kinds[0])!, f.String("base_url"), []);
        var rules = f.List("scripted").Select((n, i) =>
        {
            var r = new YamlFields(n, file, $"{path}.scripted[{i}]", "when", "reply", "delay_ms");
            Regex? when = null;
            if (r.String("when") is { } w)
            {
                try { when = new Regex(w); }
                catch (ArgumentException e) { throw r.Error(r.Node("when")!,
                    $"{path}.scripted[{i}].when is not a valid regular expression ({e.Message})"); }
            }
            return new ScriptedRule(when, r.String("reply", required: true)!, (int)(r.Long("delay_ms", 0, 600_000) ?? 0));
        }).ToList();
        if (rules.Count == 0) throw f.Error(node, $"{path}.scripted is empty: give rules ('- when: REGEX' and 'reply: TEXT')");
        return new ProviderSpec(id, "scripted", "", null, rules);
    }

    /// <summary>Refuses an id used twice, naming where the second use is.</summary>
    static void Unique(IEnumerable<(string Id, string Location)> items, string what)
    {
        if (items.GroupBy(x => x.Id).FirstOrDefault(g => g.Count() > 1) is { } dup)
            throw new InputException($"{dup.ElementAt(1).Location}: {what} '{dup.Key}' is used twice; give each a distinct id");
    }
}
