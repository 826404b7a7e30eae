using System.Text.Json.Nodes;

namespace LlmLab.Planning;

/// <summary>
/// Checks a use-case specification: every missing or unmeasurable item (not just the first), then the numbers
/// against each other — do the chosen model's weights and KV cache fit the chosen GPUs, and can that model meet
/// the latency budget at all (<see cref="LatencyEstimator"/>). Paths index lists from 0: <c>success_metrics[1]</c>
/// is the second metric. Thread-safe (no shared state).
/// </summary>
public static partial class UseCaseChecker
{
    /// <summary>Loads and checks the spec at <paramref name="path"/>. A missing or unparseable file is an
    /// <see cref="InputException"/>; everything else is a finding.</summary>
    public static UseCaseCheckResult Check(string path)
    {
        JsonNode? root = UseCaseFile.Load(path);
        return Check(root, path, Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Checks an already parsed spec. <paramref name="baseDirectory"/> resolves a relative
    /// <c>approach.model.hf_config</c> path; <paramref name="source"/> names the spec in the result.</summary>
    public static UseCaseCheckResult Check(JsonNode? root, string source, string baseDirectory)
    {
        var v = new UseCaseValidator();
        var facts = new Facts();
        // Element-backed nodes read numbers as any numeric type; a tree built in code may not.
        if (root is not JsonObject obj || JsonNode.Parse(obj.ToJsonString()) is not JsonObject spec)
        {
            v.Error("(root)", $"the spec must be a mapping of sections, not {UseCaseValidator.Kind(root)}",
                "start from 'llmlab usecase new FILE', which writes every section");
            return new UseCaseCheckResult(source, v.Findings, null);
        }
        v.KnownKeys(spec, "", [.. UseCaseSchema.Sections]);
        v.Text(spec, "", "name", "give the use case a short name, e.g. name: faq-support-assistant");
        CheckProblem(v, spec);
        CheckUsers(v, spec);
        v.OneOf(spec, "", "task_type", UseCaseSchema.TaskTypes, "task_type");
        facts.InputTokens = CheckIo(v, spec, "inputs");
        facts.OutputTokens = CheckIo(v, spec, "outputs");
        CheckMetrics(v, spec);
        CheckBudgets(v, spec, facts);
        CheckConstraints(v, spec);
        CheckRisks(v, spec);
        CheckApproach(v, spec, facts);
        UseCaseSizing? sizing = CheckConsistency(v, facts, baseDirectory);
        return new UseCaseCheckResult(source, v.Findings, sizing);
    }

    static void CheckProblem(UseCaseValidator v, JsonObject spec)
    {
        var p = v.Object(spec, "", "problem", "add 'problem:' with statement, why_now and current_cost");
        v.KnownKeys(p, "problem", "statement", "why_now", "current_cost");
        v.Text(p, "problem", "statement", "say in one or two sentences what goes wrong today, for whom");
        v.Text(p, "problem", "why_now", "say why this is worth solving now (volume growth, a deadline, a new capability)");
        v.Text(p, "problem", "current_cost",
            "state today's cost in numbers (hours per week, money, error rate) so the gain can be measured");
    }

    static void CheckUsers(UseCaseValidator v, JsonObject spec)
    {
        var u = v.Object(spec, "", "users", "add 'users:' with who, how_many and context");
        v.KnownKeys(u, "users", "who", "how_many", "context");
        v.Text(u, "users", "who", "name the people who use the output, e.g. 'tier-1 support agents'");
        v.Number(u, "users", "how_many", "give a number of users, e.g. how_many: 40");
        v.Text(u, "users", "context", "say where and how they use it (tool, device, moment in their work)");
    }

    /// <summary>inputs or outputs; returns the typical size in tokens.</summary>
    static double? CheckIo(UseCaseValidator v, JsonObject spec, string key)
    {
        var io = v.Object(spec, "", key, $"add '{key}:' with description, format, typical_tokens and examples");
        v.KnownKeys(io, key, "description", "format", "typical_tokens", "examples");
        v.Text(io, key, "description", $"describe the {key} in a sentence");
        v.Text(io, key, "format", "name the format, e.g. 'plain text, one question' or 'JSON with fields total, date'");
        double? tokens = v.Number(io, key, "typical_tokens",
            "give the typical size in tokens (about 0.75 English words per token), e.g. typical_tokens: 300");
        var examples = v.List(io, key, "examples", $"add at least one concrete, realistic example of the {key} (anonymised)");
        if (examples is not null)
            for (int i = 0; i < examples.Count; i++)
                if (examples[i] is null || (examples[i] is JsonValue e && e.ToString().Trim().Length == 0))
                    v.Error($"{key}.examples[{i}]", "empty example", $"write a concrete example of the {key}");
                else if (examples[i] is JsonValue s && UseCaseValidator.IsPlaceholder(s.ToString()))
                    v.Error($"{key}.examples[{i}]", "still the template's placeholder", $"write a concrete example of the {key}");
        return tokens;
    }

    static void CheckMetrics(UseCaseValidator v, JsonObject spec)
    {
        var list = v.List(spec, "", "success_metrics",
            "add at least one metric with name, definition, target (e.g. '>= 0.90') and measurement (method, dataset, sample_size)");
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string p = $"success_metrics[{i}]";
            if (list[i] is not JsonObject m)
            {
                v.Error(p, $"a metric must be a mapping, not {UseCaseValidator.Kind(list[i])}",
                    "write name, definition, target and measurement");
                continue;
            }
            v.KnownKeys(m, p, "name", "definition", "target", "measurement", "baseline");
            v.Text(m, p, "name", "give the metric a name, e.g. 'answer accuracy'");
            v.Text(m, p, "definition", "define exactly what is counted and over what, so two people would compute the same number");
            CheckTarget(v, m, p);
            var how = v.Object(m, p, "measurement", "add 'measurement:' with method, dataset and sample_size");
            string hp = p + ".measurement";
            v.KnownKeys(how, hp, "method", "dataset", "sample_size");
            v.Text(how, hp, "method", "say how the number is obtained (e.g. 'two reviewers grade each answer against the FAQ')");
            int before = v.Findings.Count;
            string? dataset = v.Text(how, hp, "dataset", "name the evaluation set", required: false);
            double? size = v.Number(how, hp, "sample_size", "give the number of items evaluated, e.g. sample_size: 300", required: false);
            if (how is not null && dataset is null && size is null && v.Findings.Count == before)
                v.Error(hp, "no dataset or sample size: the metric cannot be reproduced",
                    "name the evaluation set (dataset) and/or its size (sample_size), e.g. sample_size: 300");
        }
    }

    static void CheckTarget(UseCaseValidator v, JsonObject metric, string path)
    {
        string p = path + ".target";
        const string fix = "write a comparator and a number, e.g. target: \">= 0.90\" or \"<= 5 %\" (quote it in YAML)";
        if (metric["target"] is null)
        {
            v.Error(p, metric.ContainsKey("target") ? "the target is empty" : "missing target: the metric cannot pass or fail", fix);
            return;
        }
        var target = UseCaseTarget.TryParse(metric["target"]);
        if (metric["target"] is JsonValue s && s.ToString() is var text && UseCaseValidator.IsPlaceholder(text.Trim()))
            v.Error(p, "the target is still the template's placeholder", fix);
        else if (target is null)
            v.Error(p, $"target '{metric["target"]}' is not measurable (no number)", fix);
        else if (target.Comparator.Length == 0)
            v.Warn(p, $"target {target.Value} has no comparator: is higher or lower better?", "write e.g. \">= 0.90\" or \"<= 2 %\"");
    }
}
