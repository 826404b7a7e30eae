namespace LlmLab.Labs.Part01;

/// <summary>Configuration of lab 1.1 (use-case analysis).</summary>
/// <param name="Specs">The use-case specs to check (YAML or JSON). Default: the two worked examples, found in the
/// repository's examples/usecases folder; <c>--set specs=mine.yaml,other.json</c> checks your own. The first spec
/// is also the base of the broken variants that show the checker catches what it claims to.</param>
public sealed record UseCaseLabConfig(IReadOnlyList<string> Specs);
