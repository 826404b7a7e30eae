namespace LlmLab.Planning;

/// <summary>
/// The closed vocabularies of a use-case spec (snake_case, as written in the file). The checker lists them in
/// its messages, and <c>llmlab usecase new</c> writes them into the template's comments.
/// </summary>
public static class UseCaseSchema
{
    /// <summary>Values of <c>task_type</c>.</summary>
    public static readonly IReadOnlyList<string> TaskTypes =
        ["classification", "extraction", "summarisation", "generation", "qa", "chat", "code", "agent"];

    /// <summary>Values of <c>approach.decision</c>, from cheapest to most expensive to build.</summary>
    public static readonly IReadOnlyList<string> Decisions = ["prompting", "rag", "fine_tuning", "pretraining"];

    /// <summary>Values of a risk's <c>likelihood</c> and <c>impact</c>.</summary>
    public static readonly IReadOnlyList<string> Levels = ["low", "medium", "high"];

    /// <summary>The top-level sections, in the template's order.</summary>
    public static readonly IReadOnlyList<string> Sections =
        ["name", "problem", "users", "task_type", "inputs", "outputs", "success_metrics", "budgets", "constraints", "risks", "approach"];

    /// <summary>What a value must not start with: the template's placeholders.</summary>
    public const string Placeholder = "TODO";
}
