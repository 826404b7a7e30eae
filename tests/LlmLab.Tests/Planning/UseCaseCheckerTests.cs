using System.Text.Json.Nodes;
using LlmLab.Planning;

namespace LlmLab.Tests.Planning;

public sealed class UseCaseCheckerTests : IDisposable
{
    readonly UseCaseTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    static UseCaseFinding ErrorAt(UseCaseCheckResult r, string path) =>
        r.Errors.FirstOrDefault(f => f.Path == path)
        ?? throw new Xunit.Sdk.XunitException($"no error at {path}; errors: {string.Join(" | ", r.Errors)}");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void The_worked_examples_have_no_errors_and_are_sized(int i)
    {
        var r = UseCaseChecker.Check(UseCaseTestFiles.Example(i));
        Assert.True(r.Passed, string.Join("\n", r.Findings));
        Assert.NotNull(r.Sizing);
        Assert.True(r.Sizing!.MemoryUse < 1);
    }

    [Fact]
    public void The_same_spec_as_json_checks_the_same()
    {
        string json = _files.WriteJson("faq.json", UseCaseTestFiles.ExampleTree(0));
        var r = UseCaseChecker.Check(json);
        Assert.True(r.Passed, string.Join("\n", r.Findings));
        Assert.Equal(UseCaseChecker.Check(UseCaseTestFiles.Example(0)).Sizing!.FullResponseMs, r.Sizing!.FullResponseMs);
    }

    [Fact]
    public void A_metric_without_target_is_flagged_in_yaml()
    {
        string text = UseCaseTestFiles.ExampleText(0);
        Assert.Contains("    target: \"<= 3 %\"\n", text);
        var r = UseCaseChecker.Check(_files.Write("no-target.yaml", text.Replace("    target: \"<= 3 %\"\n", "")));
        var e = ErrorAt(r, "success_metrics[1].target");
        Assert.Contains("missing target", e.Message);
        Assert.Contains(">= 0.90", e.Fix);
        Assert.Equal(1, r.ErrorCount);
    }

    [Fact]
    public void A_metric_without_target_or_method_is_flagged_in_json()
    {
        var tree = UseCaseTestFiles.ExampleTree(1);
        var m = (JsonObject)tree["success_metrics"]![2]!;
        m.Remove("target");
        ((JsonObject)m["measurement"]!).Remove("method");
        var r = UseCaseChecker.Check(_files.WriteJson("broken.json", tree));
        ErrorAt(r, "success_metrics[2].target");
        Assert.Contains("'method'", ErrorAt(r, "success_metrics[2].measurement.method").Message);
        Assert.Equal(2, r.ErrorCount);
    }

    [Theory]
    [InlineData("\"high accuracy\"", "not measurable (no number)")]
    [InlineData("", "the target is empty")]
    public void An_unmeasurable_target_is_an_error(string target, string message)
    {
        string text = UseCaseTestFiles.ExampleText(0).Replace("target: \">= 0.85\"", "target: " + target);
        var r = UseCaseChecker.Check(_files.Write("vague.yaml", text));
        Assert.Contains(message, ErrorAt(r, "success_metrics[0].target").Message);
    }

    [Fact]
    public void An_unreachable_latency_budget_is_flagged_with_the_numbers()
    {
        // The FAQ example: mistral-7b bf16 on one A10 (600 GB/s) — ≈ 35 ms per token, ≈ 6.8 s for 180 tokens.
        string text = UseCaseTestFiles.ExampleText(0)
            .Replace("full_response: { p50_ms: 9000, p95_ms: 15000 }", "full_response: { p50_ms: 1500, p95_ms: 3000 }");
        var r = UseCaseChecker.Check(_files.Write("fast.yaml", text));
        var p95 = ErrorAt(r, "budgets.latency.full_response.p95_ms");
        Assert.Contains("cannot meet the p95 budget of 3,000 ms", p95.Message);
        Assert.Contains("180 tokens × 35.1 ms/token", p95.Message);
        Assert.Contains("600 GB/s", p95.Message);
        Assert.Contains("Pope et al. 2022", p95.Message);
        Assert.Contains("int8", p95.Fix);
        ErrorAt(r, "budgets.latency.full_response.p50_ms");
        Assert.Equal(2, r.ErrorCount);
    }

    [Fact]
    public void A_budget_close_to_the_estimate_is_a_warning()
    {
        string text = UseCaseTestFiles.ExampleText(0)
            .Replace("full_response: { p50_ms: 9000, p95_ms: 15000 }", "full_response: { p50_ms: 7500, p95_ms: 15000 }");
        var r = UseCaseChecker.Check(_files.Write("tight.yaml", text));
        Assert.True(r.Passed);
        Assert.Contains(r.Findings, f => f.Severity == UseCaseSeverity.Warning && f.Path == "budgets.latency.full_response.p50_ms");
    }

    [Fact]
    public void Unknown_decision_and_task_type_list_the_valid_values()
    {
        string text = UseCaseTestFiles.ExampleText(0).Replace("decision: rag", "decision: magic")
            .Replace("task_type: qa", "task_type: poetry");
        var r = UseCaseChecker.Check(_files.Write("unknown.yaml", text));
        var d = ErrorAt(r, "approach.decision");
        Assert.Contains("unknown decision 'magic'", d.Message);
        Assert.Contains("prompting, rag, fine_tuning, pretraining", d.Fix);
        Assert.Contains("classification, extraction", ErrorAt(r, "task_type").Fix);
    }

    [Fact]
    public void Every_problem_is_reported_not_just_the_first()
    {
        var tree = UseCaseTestFiles.ExampleTree(0);
        tree.Remove("users");
        ((JsonObject)tree["approach"]!).Remove("reasons");
        ((JsonObject)tree["risks"]![1]!).Remove("mitigation");
        ((JsonObject)tree["inputs"]!)["examples"] = new JsonArray();
        ((JsonObject)tree["constraints"]!["privacy"]!).Remove("residency");
        tree["budgets"]!["latency"]!["time_to_first_token"] = new JsonObject();
        var r = UseCaseChecker.Check(_files.WriteJson("many.json", tree));
        string[] expected = ["users", "approach.reasons", "risks[1].mitigation", "inputs.examples",
                             "constraints.privacy.residency", "budgets.latency.time_to_first_token"];
        foreach (string p in expected) ErrorAt(r, p);
        Assert.Equal(expected.Length, r.ErrorCount);
    }

    [Fact]
    public void Personal_data_needs_residency_and_retention()
    {
        var tree = UseCaseTestFiles.ExampleTree(1);
        var privacy = (JsonObject)tree["constraints"]!["privacy"]!;
        privacy.Remove("residency");
        privacy.Remove("retention");
        var r = UseCaseChecker.Check(_files.WriteJson("pii.json", tree));
        Assert.Contains("pii: true", ErrorAt(r, "constraints.privacy.residency").Message);
        ErrorAt(r, "constraints.privacy.retention");
        privacy["pii"] = false;
        Assert.True(UseCaseChecker.Check(_files.WriteJson("no-pii.json", tree)).Passed);
    }

    [Fact]
    public void A_model_that_does_not_fit_names_the_sizes()
    {
        string text = UseCaseTestFiles.ExampleText(0).Replace("preset: mistral-7b", "preset: mixtral-8x7b");
        var e = ErrorAt(UseCaseChecker.Check(_files.Write("big.yaml", text)), "approach.hardware");
        Assert.Contains("mixtral-8x7b bf16 on 1 × A10 24GB", e.Message);
        Assert.Contains("weights 93.41 GB", e.Message); // 46,702,792,704 params × 2 bytes
    }

    [Fact]
    public void An_unknown_preset_gpu_or_dtype_is_an_error_at_its_field()
    {
        string text = UseCaseTestFiles.ExampleText(0).Replace("preset: mistral-7b", "preset: gpt-9")
            .Replace("dtype: bf16", "dtype: fp12").Replace("gpu: A10 24GB", "gpu: Voodoo2");
        var r = UseCaseChecker.Check(_files.Write("unknown-hw.yaml", text));
        Assert.Contains("llama-3-8b", ErrorAt(r, "approach.model.preset").Message);
        ErrorAt(r, "approach.model.dtype");
        Assert.Contains("L4 24GB", ErrorAt(r, "approach.hardware.gpu").Message);
        Assert.Null(r.Sizing);
    }

    [Fact]
    public void An_hf_config_path_is_read_relative_to_the_spec()
    {
        _files.Write("config.json", """
            { "vocab_size": 32000, "hidden_size": 4096, "num_hidden_layers": 32, "num_attention_heads": 32,
              "num_key_value_heads": 8, "intermediate_size": 14336, "max_position_embeddings": 32768,
              "tie_word_embeddings": false }
            """);
        var tree = UseCaseTestFiles.ExampleTree(0);
        tree["approach"]!["model"] = new JsonObject { ["hf_config"] = "config.json", ["dtype"] = "bf16" };
        var r = UseCaseChecker.Check(_files.WriteJson("hf.json", tree));
        Assert.True(r.Passed, string.Join("\n", r.Findings));
        Assert.Equal(ModelPresets.Get("mistral-7b").ParameterCount, r.Sizing!.Model.ParameterCount);
    }

    [Theory]
    [MemberData(nameof(MutationIndices))]
    public void Each_mutation_is_flagged_at_its_path(int i)
    {
        var m = UseCaseMutations.All[i];
        var r = UseCaseChecker.Check(m.ApplyTo(UseCaseTestFiles.ExampleTree(1)), m.Name, UseCaseTestFiles.ExamplesFolder);
        ErrorAt(r, m.ExpectedPath);
    }

    public static TheoryData<int> MutationIndices() => new(Enumerable.Range(0, UseCaseMutations.All.Count));

    [Fact]
    public void Malformed_yaml_is_an_input_exception_naming_file_and_line()
    {
        string text = UseCaseTestFiles.ExampleText(0);
        int line = text[..text.IndexOf("task_type: qa", StringComparison.Ordinal)].Count(c => c == '\n') + 1;
        string path = _files.Write("bad.yaml", text.Replace("task_type: qa", "task_type: [qa"));
        var e = Assert.Throws<InputException>(() => UseCaseChecker.Check(path));
        Assert.Contains(path + ":", e.Message);
        Assert.Contains("not valid YAML", e.Message);
        // The parser notices the unclosed flow sequence on the line or a few lines after it.
        int reported = int.Parse(e.Message[(path.Length + 1)..].Split(':')[0]);
        Assert.InRange(reported, line, line + 3);
    }

    [Fact]
    public void Malformed_json_is_an_input_exception_naming_file_and_line()
    {
        string path = _files.Write("bad.json", "{\n  \"name\": \"x\",\n  \"users\": { \"who\": }\n}\n");
        var e = Assert.Throws<InputException>(() => UseCaseChecker.Check(path));
        Assert.StartsWith(path + ":3:", e.Message);
    }

    [Fact]
    public void Duplicate_yaml_keys_and_unknown_extensions_are_input_errors()
    {
        var dup = Assert.Throws<InputException>(() => UseCaseChecker.Check(_files.Write("dup.yaml", "name: a\nname: b\n")));
        Assert.Contains("dup.yaml:2:1", dup.Message);
        Assert.Contains("key 'name' appears twice", dup.Message);
        var ext = Assert.Throws<InputException>(() => UseCaseChecker.Check(_files.Write("spec.txt", "name: a")));
        Assert.Contains("*.yaml, *.yml or *.json", ext.Message);
    }

    [Fact]
    public void A_misspelt_key_is_a_warning()
    {
        string text = UseCaseTestFiles.ExampleText(0).Replace("why_now:", "why_nwo:");
        var r = UseCaseChecker.Check(_files.Write("typo.yaml", text));
        Assert.Contains(r.Findings, f => f.Severity == UseCaseSeverity.Warning && f.Path == "problem.why_nwo");
        ErrorAt(r, "problem.why_now");
    }

    [Theory]
    [InlineData("\">= 0.90\"", ">=", 0.90, "")]
    [InlineData("\"<= 2 %\"", "<=", 2, "%")]
    [InlineData("\"at least 85 %\"", ">=", 85, "%")]
    [InlineData("\"≤ 45 s\"", "<=", 45, "s")]
    [InlineData("0.7", "", 0.7, "")]
    public void Targets_parse_comparator_number_and_unit(string json, string cmp, double value, string unit)
    {
        var t = UseCaseTarget.TryParse(JsonNode.Parse(json));
        Assert.Equal(new UseCaseTarget(cmp, value, unit), t);
    }

    [Fact]
    public void A_target_without_a_number_does_not_parse()
    {
        Assert.Null(UseCaseTarget.TryParse(JsonNode.Parse("\"as good as possible\"")));
        Assert.True(UseCaseTarget.TryParse(JsonNode.Parse("\"<= 3 %\""))!.IsMetBy(2.5));
        Assert.False(UseCaseTarget.TryParse(JsonNode.Parse("\">= 0.9\""))!.IsMetBy(0.85));
    }
}
