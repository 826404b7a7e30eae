using LlmLab.Labs.Framework;

namespace LlmLab.Tests.Labs;

public class ConfigOverridesTests
{
    public enum Mode { Fast, Slow }
    public sealed record Sample(int Batch = 8, double Lr = 3e-4, string Name = "x", bool Tied = true, Mode Kind = Mode.Fast,
                                IReadOnlyList<string>? Specs = null, int? Limit = null);

    static Sample Apply(params string[] sets) =>
        (Sample)ConfigOverrides.Apply(new Sample(), ConfigOverrides.Parse(sets), "lab 9.9");

    [Fact]
    public void Every_supported_type_is_set_by_its_snake_case_key()
    {
        var s = Apply("batch=16", "lr=1e-3", "name=hello world", "tied=false", "kind=slow", "specs=a.yaml,b.json", "limit=5");
        Assert.Equal(new Sample(16, 1e-3, "hello world", false, Mode.Slow, null, 5) with { Specs = s.Specs }, s);
        Assert.Equal(["a.yaml", "b.json"], s.Specs!);
    }

    [Theory]
    [InlineData("batchsize=3", "unknown --set key 'batchsize' for lab 9.9; valid keys: batch, kind, limit, lr, name, specs, tied")]
    [InlineData("batch=3.5", "--set batch=3.5: lab 9.9 expects an integer")]
    [InlineData("lr=fast", "--set lr=fast: lab 9.9 expects a number")]
    [InlineData("tied=yes", "--set tied=yes: lab 9.9 expects true or false")]
    [InlineData("kind=medium", "--set kind=medium: lab 9.9 expects one of fast, slow")]
    [InlineData("batch", "--set 'batch' is not key=value (e.g. --set seed=7)")]
    public void Bad_overrides_are_errors_never_ignored(string set, string message)
    {
        var e = Assert.Throws<InputException>(() => Apply(set));
        Assert.Equal(message, e.Message);
    }
}
