using System.Text.Json.Nodes;

namespace LlmLab.Planning;

/// <summary>
/// Broken variants of a valid spec, made in memory, each with the field path the checker must flag: the way to
/// test that the checker catches what it claims to (lab 1.1 and the tests use them). Thread-safe.
/// </summary>
public static class UseCaseMutations
{
    /// <summary>One way to break a spec: what it does, the path of the error it must cause, and the edit.</summary>
    public sealed record Mutation(string Name, string ExpectedPath, Action<JsonObject> Apply)
    {
        /// <summary>A deep copy of <paramref name="spec"/> with the edit applied.</summary>
        public JsonObject ApplyTo(JsonObject spec)
        {
            var copy = (JsonObject)spec.DeepClone();
            Apply(copy);
            return copy;
        }
    }

    /// <summary>The variants, each breaking one thing.</summary>
    public static IReadOnlyList<Mutation> All { get; } =
    [
        new("a metric without a target", "success_metrics[0].target",
            s => Metric(s).Remove("target")),
        new("a metric without a measurement method", "success_metrics[0].measurement.method",
            s => Obj(Metric(s), "measurement").Remove("method")),
        new("an approach without reasons", "approach.reasons",
            s => Obj(s, "approach").Remove("reasons")),
        // 1 ms (p50) and 2 ms (p95) for a whole response: even one decode step of a 7B model reads ≥ 7 GB of
        // weights, ≥ 2 ms at 3.35 TB/s (H100 SXM), before the prompt is processed.
        new("a full-response latency budget far below what the model can do", "budgets.latency.full_response.p95_ms",
            s => Obj(Obj(s, "budgets"), "latency")["full_response"] = new JsonObject { ["p50_ms"] = 1, ["p95_ms"] = 2 }),
        new("an unknown task_type", "task_type",
            s => s["task_type"] = "telepathy"),
        new("an unknown decision", "approach.decision",
            s => Obj(s, "approach")["decision"] = "vibes"),
        new("a risk without a mitigation", "risks[0].mitigation",
            s => ((JsonObject)((JsonArray)s["risks"]!)[0]!).Remove("mitigation")),
        new("personal data with no retention", "constraints.privacy.retention",
            s => { var p = Obj(Obj(s, "constraints"), "privacy"); p["pii"] = true; p.Remove("retention"); }),
        // Llama-2-70B in bf16 is ≈ 138 GB of weights: one 24 GB L4 cannot hold it.
        new("a model that does not fit the GPU", "approach.hardware",
            s =>
            {
                var a = Obj(s, "approach");
                a["model"] = new JsonObject { ["preset"] = "llama-2-70b", ["dtype"] = "bf16" };
                a["hardware"] = new JsonObject { ["gpu"] = "L4 24GB", ["count"] = 1 };
            }),
    ];

    static JsonObject Metric(JsonObject s) =>
        s["success_metrics"] is JsonArray { Count: > 0 } a && a[0] is JsonObject m ? m
            : throw new InputException("the spec to mutate has no success_metrics[0]; start from a complete spec");

    /// <summary>The mapping at <paramref name="key"/>, created when absent.</summary>
    static JsonObject Obj(JsonObject parent, string key)
    {
        if (parent[key] is JsonObject o) return o;
        var created = new JsonObject();
        parent[key] = created;
        return created;
    }
}
