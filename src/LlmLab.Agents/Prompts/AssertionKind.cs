namespace LlmLab.Agents.Prompts;

/// <summary>The kinds of assertion a test may make about a reply (their YAML names in <see cref="PromptAssertion.YamlName"/>).</summary>
public enum AssertionKind
{
    /// <summary>The answer equals the value (after trimming white space at both ends).</summary>
    Equal,
    /// <summary>The answer contains the value (optionally ignoring case).</summary>
    Contains,
    /// <summary>The answer matches a .NET regular expression.</summary>
    Regex,
    /// <summary>The answer is a JSON document valid against a JSON Schema (JsonSchema.Net, draft 2020-12 by default).</summary>
    JsonSchema,
    /// <summary>A lab 7.1 task family's checker grades the answer against a reference answer.</summary>
    Task,
    /// <summary>The call took at most this many milliseconds.</summary>
    Latency,
    /// <summary>The call used at most this many tokens, and/or cost at most this many US dollars at given prices.</summary>
    Cost,
}
