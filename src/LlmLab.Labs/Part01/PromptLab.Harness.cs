using Json.Schema;
using LlmLab.Agents.Prompts;
using LlmLab.Alignment;
using LlmLab.Labs.Framework;
using Microsoft.Extensions.AI;

namespace LlmLab.Labs.Part01;

public sealed partial class PromptLab
{
    /// <summary>A scripted model: a name, how it turns the reference answer into its reply, and its delay.</summary>
    sealed record Scripted(string Name, string Reply, Func<string, string> Answer, bool Slow);

    // Each reply is built from the reference, so each assertion's verdict on it is known before the harness runs.
    static readonly Scripted[] Models =
    [
        new("exact", "the reference answer, verbatim", r => r, false),
        new("chatty", "\"Here is my answer: {reference} (hope this helps)\"", r => $"Here is my answer: {r} (hope this helps)", false),
        new("silent", "an empty reply", _ => "", false),
        new("slow", "the reference answer after the delay", r => r, true),
    ];

    /// <summary>The verdict each assertion must give on each scripted model's reply (null: not known in advance — the
    /// chatty reply's grade depends on each family's parser, so it is reported, not claimed).</summary>
    static bool? Expected(string model, string assertion) => (model, assertion) switch
    {
        (_, "cost ≤ 1 token") => false,                  // every prompt has more than one word
        (_, "cost ≤ 100,000 tokens") => true,             // no prompt or reply comes near
        ("slow", "latency") => false,                    // the delay is at least twice the bound
        (_, "latency") => true,                          // a scripted reply takes microseconds; the bound is SlowDelayMs / 2
        ("exact" or "slow", _) => true,                  // the reference passes every text assertion made from it
        ("chatty", "contains") => true,                  // the reference is inside the reply
        ("chatty", "task") => null,
        _ => false,                                      // chatty: not equal, not anchored, not a JSON document; silent: nothing
    };

    static readonly string[] AssertionNames = ["equals", "contains", "regex", "task", "json-schema", "latency", "cost ≤ 100,000 tokens",
        "cost ≤ 1 token"];

    /// <summary>Section 1: every assertion type on known replies.</summary>
    static void Harness(LabContext ctx, PromptLabConfig cfg, SyntheticDataset data)
    {
        ctx.Report.Heading("1. The harness on scripted models (known verdicts)");
        var schema = JsonSchema.FromText("""
            { "type": "object", "minProperties": 1, "propertyNames": { "enum": ["name", "age", "city", "job"] },
              "properties": { "age": { "type": "integer" }, "name": { "type": "string" }, "city": { "type": "string" },
                  "job": { "type": "string" } } }
            """, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        var tests = TaskPromptSuite.Tests(data.Test, data.Train, (x, family) => HarnessAssertions(family, schema, cfg));
        var suite = new PromptSuite("lab 1.2 harness suite", null, [TaskPromptSuite.Variants[0], TaskPromptSuite.Variants[3]], tests, [],
            new PromptOptions());
        var references = data.Test.GroupBy(x => x.UserText).ToDictionary(g => g.Key, g => g.First().ReferenceText);
        var results = new List<PromptEvalResult>();
        foreach (var m in Models)
        {
            var client = new ScriptedChatClient(messages =>
            {
                // The question is the last user message, less the step-by-step request the reasoning variant appends.
                string question = messages[^1].Text;
                string suffix = "\n" + PromptVariant.ReasoningInstruction;
                string reference = references[question.EndsWith(suffix, StringComparison.Ordinal) ? question[..^suffix.Length] : question];
                return (m.Answer(reference), m.Slow ? cfg.SlowDelayMs : 0);
            }, m.Name);
            // The slow model answers one test per family, zero-shot only: its verdicts are as exact's but for latency.
            var s = m.Slow ? suite with { Variants = [suite.Variants[0]], Tests = tests.GroupBy(t => t.Id.Split('-')[0]).Select(g
                => g.First()).ToList() } : suite;
            results.Add(PromptEvaluator.Run(s, [KeyValuePair.Create(m.Name, (IChatClient)client)]));
        }
        string models = string.Join("; ",
            Models.Select(m => $"**{m.Name}** replies {m.Reply}" + (m.Slow ? $" ({cfg.SlowDelayMs} ms)" : "")));
        ctx.Report.Paragraph("Each test asserts equals, contains and an anchored regex of its reference answer, the family's task " +
            "checker, a JSON Schema (extraction family only: an object of name/age/city/job with age an integer), latency ≤ " +
            $"{cfg.LatencyBoundMs} ms, and two token budgets (scripted models report words as tokens). The variants are zero-shot " +
            $"and step-by-step (whose answer is the last line). The models: {models}.");

        var rows = new List<string[]>();
        foreach (var (m, r) in Models.Zip(results))
            foreach (string a in AssertionNames)
            {
                var outcomes = r.Cells.SelectMany(c => c.Outcomes.Where(o => Name(o) == a)).ToList();
                int passed = outcomes.Count(o => o.Passed);
                bool? want = Expected(m.Name, a);
                rows.Add([m.Name, a, want is null ? "— (reported)" : want.Value ? "pass" : "fail", $"{passed}/{outcomes.Count} pass"]);
                if (want is not { } w) continue;
                ctx.Checks.KnownAnswer("scripted replies built from the reference answer: the verdict follows from the construction")
                    .Equal($"{m.Name} model: '{a}' judged {(w ? "pass" : "fail")} on all {outcomes.Count} replies", outcomes.Count(o
                        => o.Passed == w), outcomes.Count);
            }
        ctx.Report.Table(["scripted model", "assertion", "known verdict", "harness"], rows,
            "Every assertion type on replies whose verdict is known");
        foreach (var r in results) ctx.Metrics.Log(new { section = "harness", provider = r.Providers[0], cells = r.Cells.Count,
            passed = r.Cells.Count(c => c.Passed) });
        LlmLab.Runtime.AtomicFile.WriteAllText(Path.Combine(ctx.Directory, "harness.json"),
            new System.Text.Json.Nodes.JsonArray(results.Select(r
                => (System.Text.Json.Nodes.JsonNode?)PromptEvalReport.Json(r)).ToArray()).ToJsonString());
    }

    static string Name(AssertionOutcome o) => o.Kind switch
    {
        AssertionKind.Equal => "equals", AssertionKind.Contains => "contains", AssertionKind.Regex => "regex", AssertionKind.Task => "task",
        AssertionKind.JsonSchema => "json-schema", AssertionKind.Latency => "latency",
        _ => o.Assertion.Contains("≤ 1 tokens", StringComparison.Ordinal) ? "cost ≤ 1 token" : "cost ≤ 100,000 tokens",
    };

    static IReadOnlyList<PromptAssertion> HarnessAssertions(TaskFamily family, JsonSchema schema, PromptLabConfig cfg)
    {
        static PromptText T(string s) => new(s, "lab 1.2 harness assertion");
        var list = new List<PromptAssertion>
        {
            new(AssertionKind.Equal, T("{{answer}}"), false, null, null, null, null, null, 0, 0, "equals"),
            new(AssertionKind.Contains, T("{{answer}}"), false, null, null, null, null, null, 0, 0, "contains"),
            new(AssertionKind.Regex, T(@"^\s*{{answer_regex}}\s*$"), false, null, null, null, null, null, 0, 0, "regex"),
            TaskPromptSuite.TaskAssertion(family),
            new(AssertionKind.Latency, null, false, null, null, cfg.LatencyBoundMs, null, null, 0, 0, "latency"),
            new(AssertionKind.Cost, null, false, null, null, null, 100_000, null, 0, 0, "cost"),
            new(AssertionKind.Cost, null, false, null, null, null, 1, null, 0, 0, "tight cost"),
        };
        if (family.Name == "extraction") list.Add(new(AssertionKind.JsonSchema, null, false, schema, null, null, null, null, 0, 0,
            "schema"));
        return list;
    }
}
