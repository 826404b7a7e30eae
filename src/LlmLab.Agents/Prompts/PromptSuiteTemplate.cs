namespace LlmLab.Agents.Prompts;

/// <summary>The commented prompt file that <c>llmlab prompts new</c> writes: every section and assertion type, with a
/// scripted provider so that <c>llmlab prompts eval</c> runs it as written (and passes) before any model is set up.</summary>
public static class PromptSuiteTemplate
{
    /// <summary>The file's text (YAML).</summary>
    public const string Text = """
# A prompt evaluation for `llmlab prompts eval FILE` (format: docs/part-01.md, "Exercise 1.2").
# Every prompt variant is asked every test, by every provider; a cell passes when all of the test's assertions pass.
# Strict: an unknown key, an unknown assertion type or a {{variable}} that a test lacks is an error naming the line.

description: Arithmetic and field extraction, asked plainly, few-shot, and step by step.

# The models to ask. `--provider local:DIR` or `--provider openai:MODEL` on the command line replaces this list
# (`--provider ID` picks one of these). Kinds:
#   local: runs/…/checkpoint     a checkpoint of `llmlab sft` or `llmlab train` (our GPT, through LocalChatClient)
#   openai: gpt-4o-mini          any OpenAI-compatible endpoint: base_url here, or --openai-base-url, or $OPENAI_BASE_URL;
#                                the key from $OPENAI_API_KEY
#   scripted: [rules]            replies known in advance (the first rule whose `when` regex matches the question)
providers:
  - id: reference
    scripted:
      - when: "17 \\+ 25"
        reply: "42"
      - when: "Record:"
        reply: '{"name": "Ada Lovelace", "age": 36}'
      - reply: "I do not know."     # no `when`: the fallback

# Request options of every call (temperature 0: greedy, repeatable).
options:
  temperature: 0
  max_tokens: 64

# Prompt variants: the rows of the matrix. {{name}} is replaced by the test's variable `name`.
prompts:
  - id: plain
    user: "{{question}}"
  - id: few-shot
    system: You are a precise assistant. Answer with the result only.
    examples:                         # solved examples, sent as user/assistant turns before the question
      - user: "What is 3 + 4?"
        assistant: "7"
    user: "{{question}}"
    format: "{{format}}"              # an output-format constraint, appended to the question
  - id: step-by-step
    user: "{{question}}"
    reasoning: true                   # asks for reasoning first; assertions judge the reply's last line

# Test cases: the columns. `vars` fill the templates; `assert` lists what every reply must satisfy.
tests:
  - id: add
    vars:
      question: "What is 17 + 25?"
      answer: "42"
      format: Reply with the number only.
    assert:
      - type: equals                  # the answer, trimmed, equals the value (ignore_case: true to ignore case)
        value: "{{answer}}"
      - type: contains                # the answer contains the value
        value: "4"
      - type: regex                   # a .NET regular expression
        value: "^\\d+$"
      - type: task                    # lab 7.1's checker for a task family: arithmetic, units, dates, strings,
        family: arithmetic            # extraction, tool_call; it parses the answer ("42." and "It is 42" are right)
        value: "{{answer}}"
      - type: latency                 # the call took at most this many milliseconds
        max_ms: 5000
      - type: cost                    # tokens (prompt + reply) and/or dollars at the given prices
        max_tokens: 200
        max_usd: 0.01
        input_usd_per_million: 0.15
        output_usd_per_million: 0.60
  - id: extract
    vars:
      question: "Record: name: Ada Lovelace; age: 36; city: London. Return the name and age as JSON."
      format: Reply with a JSON object only.
    assert:
      - type: json-schema             # the whole answer is JSON valid against this JSON Schema
        schema:
          type: object
          required: [name, age]
          properties:
            name: { type: string }
            age: { type: integer, minimum: 0 }
      - type: contains
        value: Ada Lovelace
""";
}
