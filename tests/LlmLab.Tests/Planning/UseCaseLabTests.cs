using LlmLab.Labs.Framework;
using LlmLab.Labs.Part01;
using LlmLab.Planning;
using LlmLab.Reporting;
using LlmLab.Text;

namespace LlmLab.Tests.Planning;

public sealed class UseCaseLabTests : IDisposable
{
    readonly UseCaseTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    LabContext Context() => new(LabCatalog.Get("1.1"), Profile.Smoke, 1, 1, _files.Dir,
        () => throw new InvalidOperationException("lab 1.1 reads no corpus"), NullProgress.Instance);

    [Fact]
    public void The_lab_passes_on_the_examples_and_catches_every_variant()
    {
        var lab = new UseCaseLab();
        using var ctx = Context();
        lab.Run(ctx, lab.Defaults(Profile.Smoke));
        Assert.True(ctx.Checks.AllPassed, string.Join("\n", ctx.Checks.All));
        Assert.Equal(2 + UseCaseMutations.All.Count, ctx.Checks.All.Count);
        Assert.True(File.Exists(Path.Combine(_files.Dir, "latency-vs-budget.png")));
    }

    [Fact]
    public void A_learners_spec_with_errors_fails_the_lab()
    {
        string mine = _files.Write("mine.yaml", UseCaseTestFiles.ExampleText(0).Replace("task_type: qa", "task_type: vibes"));
        var lab = new UseCaseLab();
        using var ctx = Context();
        lab.Run(ctx, new UseCaseLabConfig([mine]));
        Assert.False(ctx.Checks.AllPassed);
        Assert.Contains(ctx.Checks.All, c => c.Name == "mine.yaml has no errors" && !c.Passed);
    }

    [Fact]
    public void Specs_are_settable_and_a_missing_one_is_an_input_error()
    {
        object cfg = ConfigOverrides.Apply(new UseCaseLab().Defaults(Profile.Quick), [new("specs", "a.yaml,b.json")], "lab 1.1");
        Assert.Equal(["a.yaml", "b.json"], ((UseCaseLabConfig)cfg).Specs);
        using var ctx = Context();
        var e = Assert.Throws<InputException>(() => new UseCaseLab().Run(ctx, (UseCaseLabConfig)cfg));
        Assert.Contains("'a.yaml' not found", e.Message);
    }
}
