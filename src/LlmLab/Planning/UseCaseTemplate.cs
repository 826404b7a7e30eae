namespace LlmLab.Planning;

/// <summary>
/// The commented YAML template that <c>llmlab usecase new</c> writes: every field of the spec with short guidance.
/// Each value is a <c>TODO</c> placeholder, and the checker reports every placeholder as an error, so
/// <c>llmlab usecase check</c> on a fresh template lists exactly what is left to fill in (by design it does not pass).
/// </summary>
public static class UseCaseTemplate
{
    /// <summary>The template's text.</summary>
    public static string Text => $$"""
        # LLM use-case specification — fill in every TODO, then run: llmlab usecase check THIS_FILE
        # Every number must be measurable: a target needs a comparator and a number, a budget a percentile and a number.
        # Worked examples: examples/usecases/ in the LlmLab repository.

        name: TODO-short-name                 # e.g. faq-support-assistant

        problem:
          statement: "TODO: what goes wrong today, for whom (one or two sentences)"
          why_now: "TODO: why solve it now (volume growth, a deadline, a new capability)"
          current_cost: "TODO: today's cost in numbers (hours per week, money, error rate)"

        users:
          who: "TODO: who uses the output, e.g. tier-1 support agents"
          how_many: TODO                      # a number, e.g. 40
          context: "TODO: where and how they use it (tool, device, moment in their work)"

        # One of: {{string.Join(", ", UseCaseSchema.TaskTypes)}}
        task_type: TODO

        inputs:
          description: "TODO: what the model receives"
          format: "TODO: e.g. plain text, one customer question"
          typical_tokens: TODO                # a number; about 0.75 English words per token
          examples:                           # at least one concrete, realistic (anonymised) example
            - "TODO: a real input"

        outputs:
          description: "TODO: what the model returns"
          format: "TODO: e.g. JSON with fields total, currency, due_date"
          typical_tokens: TODO                # a number
          examples:
            - "TODO: the output expected for the input above"

        success_metrics:                      # at least one; each must be able to pass or fail
          - name: "TODO: e.g. answer accuracy"
            definition: "TODO: exactly what is counted, over what"
            target: "TODO: comparator and number, e.g. >= 0.90 or <= 5 %"   # quote it in YAML
            measurement:
              method: "TODO: how the number is obtained (reviewers, script, A/B test)"
              dataset: "TODO: the evaluation set"
              sample_size: TODO               # a number of items, e.g. 300
            baseline: "TODO (optional): today's value, e.g. 0.71"

        budgets:
          latency:                            # give time_to_first_token and/or full_response, each p50_ms and/or p95_ms
            time_to_first_token: { p50_ms: TODO, p95_ms: TODO }
            full_response: { p50_ms: TODO, p95_ms: TODO }
          throughput:
            requests_per_day: TODO            # or requests_per_second; optional peak_requests_per_second
          cost:
            per_month: TODO                   # or per_1k_requests
            currency: TODO                    # e.g. EUR

        constraints:
          data:
            sources:
              - "TODO: where the data comes from"
            volume: "TODO: how much, e.g. 1,200 articles, 0.9 M tokens"
            freshness: "TODO: how often it changes, how fresh answers must be"
          privacy:
            pii: TODO                         # true or false: do inputs or outputs hold personal data?
            residency: "TODO: where data may be stored and processed (required when pii: true)"
            retention: "TODO: how long inputs, outputs and logs are kept (required when pii: true)"
          compliance:                         # regulations and policies, or '- none' once checked
            - "TODO: e.g. GDPR"

        risks:                                # at least one; each with a mitigation
          - description: "TODO: what could go wrong, for whom"
            likelihood: TODO                  # {{string.Join(" | ", UseCaseSchema.Levels)}}
            impact: TODO                      # {{string.Join(" | ", UseCaseSchema.Levels)}}
            mitigation: "TODO: what reduces the risk or its impact"

        approach:
          decision: TODO                      # {{string.Join(" | ", UseCaseSchema.Decisions)}}
          reasons:                            # at least one, tied to the data, budgets or metrics
            - "TODO: why this approach"
          alternatives:
            - option: "TODO: e.g. fine_tuning"
              why_rejected: "TODO: why not, with a number where you have one"
          model:
            preset: TODO                      # one of: {{string.Join(", ", ModelPresets.Names)}}
            # hf_config: path/to/config.json  # instead of preset: a Hugging Face config.json (relative to this file)
            dtype: TODO                       # fp32 | bf16 | fp16 | int8 | int4
          hardware:
            gpu: TODO                         # one of: {{string.Join(", ", GpuCatalog.All.Select(g => g.Name))}}
            count: TODO                       # a number of GPUs
        """;
}
