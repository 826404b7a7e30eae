using System.Text.Json.Nodes;

namespace LlmLab.Planning;

public static partial class UseCaseChecker
{
    static void CheckBudgets(UseCaseValidator v, JsonObject spec, Facts facts)
    {
        var b = v.Object(spec, "", "budgets", "add 'budgets:' with latency, throughput and cost");
        v.KnownKeys(b, "budgets", "latency", "throughput", "cost");

        // 1. Latency: time to first token and/or full response, each with a p50 and/or a p95 in ms.
        var lat = v.Object(b, "budgets", "latency",
            "add 'latency:' with time_to_first_token and/or full_response, each with p50_ms and/or p95_ms");
        v.KnownKeys(lat, "budgets.latency", "time_to_first_token", "full_response");
        if (lat is not null && lat["time_to_first_token"] is null && lat["full_response"] is null)
            v.Error("budgets.latency", "no latency budget: neither time_to_first_token nor full_response is given",
                "add e.g. full_response: { p50_ms: 2000, p95_ms: 4000 }");
        (facts.TtftP50, facts.TtftP95) = Percentiles(v, lat, "time_to_first_token");
        (facts.FullP50, facts.FullP95) = Percentiles(v, lat, "full_response");

        // 2. Throughput: a rate per second or per day.
        var thr = v.Object(b, "budgets", "throughput", "add 'throughput:' with requests_per_second or requests_per_day");
        v.KnownKeys(thr, "budgets.throughput", "requests_per_second", "requests_per_day", "peak_requests_per_second");
        double? rps = v.Number(thr, "budgets.throughput", "requests_per_second", "a rate, e.g. requests_per_second: 2", required: false);
        double? rpd = v.Number(thr, "budgets.throughput", "requests_per_day", "a rate, e.g. requests_per_day: 20000", required: false);
        double? peak = v.Number(thr, "budgets.throughput", "peak_requests_per_second", "the busiest second's rate, e.g. 5",
            required: false);
        if (thr is not null && thr["requests_per_second"] is null && thr["requests_per_day"] is null)
            v.Error("budgets.throughput", "no rate: give requests_per_second or requests_per_day", "add e.g. requests_per_day: 20000");
        facts.RequestsPerSecond = peak ?? rps ?? rpd / 86_400;

        // 3. Cost: per 1,000 requests or per month, in a named currency.
        var cost = v.Object(b, "budgets", "cost", "add 'cost:' with per_1k_requests or per_month, and currency");
        v.KnownKeys(cost, "budgets.cost", "per_1k_requests", "per_month", "currency");
        v.Number(cost, "budgets.cost", "per_1k_requests", "an amount, e.g. per_1k_requests: 1.50", required: false);
        v.Number(cost, "budgets.cost", "per_month", "an amount, e.g. per_month: 2500", required: false);
        if (cost is not null && cost["per_1k_requests"] is null && cost["per_month"] is null)
            v.Error("budgets.cost", "no amount: give per_1k_requests or per_month", "add e.g. per_month: 2500");
        v.Text(cost, "budgets.cost", "currency", "name the currency, e.g. currency: EUR");
    }

    static (double? P50, double? P95) Percentiles(UseCaseValidator v, JsonObject? latency, string key)
    {
        if (latency?[key] is null) return (null, null);
        string p = "budgets.latency." + key;
        var o = v.Object(latency, "budgets.latency", key, "write e.g. { p50_ms: 800, p95_ms: 1500 }");
        v.KnownKeys(o, p, "p50_ms", "p95_ms");
        double? p50 = v.Number(o, p, "p50_ms", "milliseconds, e.g. p50_ms: 800", required: false);
        double? p95 = v.Number(o, p, "p95_ms", "milliseconds, e.g. p95_ms: 1500", required: false);
        if (o is not null && o["p50_ms"] is null && o["p95_ms"] is null)
            v.Error(p, "a latency budget needs a percentile and a number", "write e.g. p95_ms: 1500 (95 % of requests faster than 1.5 s)");
        if (p50 > p95)
            v.Error(p, $"p50_ms {p50} is above p95_ms {p95}: the median cannot be slower than the 95th percentile", "swap or correct them");
        return (p50, p95);
    }

    static void CheckConstraints(UseCaseValidator v, JsonObject spec)
    {
        var c = v.Object(spec, "", "constraints", "add 'constraints:' with data, privacy and compliance");
        v.KnownKeys(c, "constraints", "data", "privacy", "compliance");
        var d = v.Object(c, "constraints", "data", "add 'data:' with sources, volume and freshness");
        v.KnownKeys(d, "constraints.data", "sources", "volume", "freshness");
        v.TextItems(v.List(d, "constraints.data", "sources", "list where the data comes from, e.g. '- product FAQ (Confluence export)'"),
            "constraints.data.sources", "name a data source");
        v.Text(d, "constraints.data", "volume", "say how much data there is, e.g. '1,200 FAQ articles, 0.9 M tokens'");
        v.Text(d, "constraints.data", "freshness",
            "say how often it changes and how fresh answers must be, e.g. 'weekly; re-index nightly'");

        var p = v.Object(c, "constraints", "privacy", "add 'privacy:' with pii (true/false), residency and retention");
        v.KnownKeys(p, "constraints.privacy", "pii", "residency", "retention");
        bool? pii = v.Bool(p, "constraints.privacy", "pii", "say whether inputs or outputs contain personal data: pii: true or pii: false");
        string? residency = v.Text(p, "constraints.privacy", "residency", "where data may be stored and processed, e.g. 'EU only'",
            required: false);
        string? retention = v.Text(p, "constraints.privacy", "retention", "how long inputs and outputs are kept, e.g. '30 days'",
            required: false);
        if (pii == true && residency is null && p?["residency"] is null)
            v.Error("constraints.privacy.residency", "personal data (pii: true) with no residency",
                "say where the data may be stored and processed, e.g. residency: EU only");
        if (pii == true && retention is null && p?["retention"] is null)
            v.Error("constraints.privacy.retention", "personal data (pii: true) with no retention",
                "say how long inputs and logs are kept, e.g. retention: 30 days");

        var list = v.List(c, "constraints", "compliance", "list the rules that apply (e.g. '- GDPR'), or '- none' after checking", min: 0);
        v.TextItems(list, "constraints.compliance", "name a regulation or policy");
        if (list is { Count: 0 })
            v.Warn("constraints.compliance", "empty: no regulation or policy applies?",
                "write '- none' once legal has confirmed it, or list them");
    }

    static void CheckRisks(UseCaseValidator v, JsonObject spec)
    {
        var list = v.List(spec, "", "risks", "list at least one risk with description, likelihood, impact and mitigation");
        if (list is null) return;
        for (int i = 0; i < list.Count; i++)
        {
            string p = $"risks[{i}]";
            if (list[i] is not JsonObject r)
            {
                v.Error(p, $"a risk must be a mapping, not {UseCaseValidator.Kind(list[i])}",
                    "write description, likelihood, impact and mitigation");
                continue;
            }
            v.KnownKeys(r, p, "description", "likelihood", "impact", "mitigation");
            v.Text(r, p, "description", "say what could go wrong and for whom");
            v.OneOf(r, p, "likelihood", UseCaseSchema.Levels, "likelihood");
            v.OneOf(r, p, "impact", UseCaseSchema.Levels, "impact");
            v.Text(r, p, "mitigation", "say what reduces the risk or its impact (a guardrail, a human check, a fallback)");
        }
    }

    static void CheckApproach(UseCaseValidator v, JsonObject spec, Facts facts)
    {
        var a = v.Object(spec, "", "approach", "add 'approach:' with decision, reasons, alternatives, model and hardware");
        v.KnownKeys(a, "approach", "decision", "reasons", "alternatives", "model", "hardware");
        v.OneOf(a, "approach", "decision", UseCaseSchema.Decisions, "decision");
        v.TextItems(v.List(a, "approach", "reasons", "give at least one reason for the decision, tied to the data, budgets or metrics"),
            "approach.reasons", "write the reason");

        var alts = v.List(a, "approach", "alternatives", "list the approaches you considered, each with option and why_rejected");
        for (int i = 0; alts is not null && i < alts.Count; i++)
        {
            string p = $"approach.alternatives[{i}]";
            if (alts[i] is not JsonObject alt)
                { v.Error(p, "must be a mapping with option and why_rejected", "write option and why_rejected"); continue; }
            v.KnownKeys(alt, p, "option", "why_rejected");
            v.Text(alt, p, "option", $"name the alternative (e.g. one of {string.Join(", ", UseCaseSchema.Decisions)})");
            v.Text(alt, p, "why_rejected", "say why it was rejected, with a number where you have one");
        }

        var m = v.Object(a, "approach", "model", "add 'model:' with preset (e.g. llama-3-8b) or hf_config (a config.json path), and dtype");
        v.KnownKeys(m, "approach.model", "preset", "hf_config", "dtype");
        facts.Preset = v.Text(m, "approach.model", "preset", "name a preset, e.g. preset: llama-3-8b", required: false);
        facts.HfConfig = v.Text(m, "approach.model", "hf_config", "give the path of a Hugging Face config.json", required: false);
        if (m is not null && m["preset"] is null && m["hf_config"] is null)
            v.Error("approach.model", "no model: give preset or hf_config",
                "add e.g. preset: llama-3-8b, or hf_config: models/config.json");
        if (facts.Preset is not null && facts.HfConfig is not null)
            v.Error("approach.model", "both preset and hf_config are given", "keep one of them");
        facts.Dtype = v.Text(m, "approach.model", "dtype", "set dtype to one of fp32, bf16, fp16, int8, int4");

        var h = v.Object(a, "approach", "hardware", "add 'hardware:' with gpu (a catalogue name, e.g. L4) and count");
        v.KnownKeys(h, "approach.hardware", "gpu", "count");
        facts.Gpu = v.Text(h, "approach.hardware", "gpu", "name the GPU, e.g. gpu: L4 (see the GPU catalogue)");
        double? count = v.Number(h, "approach.hardware", "count", "give the number of GPUs, e.g. count: 1");
        if (count is { } n && n != Math.Floor(n))
            v.Error("approach.hardware.count", $"count {n} is not a whole number of GPUs", "write an integer, e.g. count: 2");
        else if (count is { } k) facts.GpuCount = (int)k;
    }
}
