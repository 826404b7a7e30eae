using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Tokenization;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Alignment;

public class SyntheticDataTests
{
    static readonly SyntheticDataOptions Small = new(TrainPerFamily: 60, TestPerFamily: 20, Seed: 3);

    [Fact]
    public void The_split_is_by_template_no_test_template_appears_in_training()
    {
        var data = SyntheticDataset.Generate(TaskFamilies.All, Small);
        foreach (var f in TaskFamilies.All)
        {
            var trainTemplates = data.Train.Where(x => x.Family == f.Name).Select(x => x.Template).ToHashSet();
            var testTemplates = data.Test.Where(x => x.Family == f.Name).Select(x => x.Template).ToHashSet();
            Assert.Empty(trainTemplates.Intersect(testTemplates));
            Assert.Equal(SyntheticDataset.TrainTemplates(f, Small), trainTemplates.Order());
            Assert.Equal(SyntheticDataset.TestTemplates(f, Small), testTemplates.Order());
            Assert.Equal(60, data.Train.Count(x => x.Family == f.Name));
            Assert.Equal(20, data.Test.Count(x => x.Family == f.Name));
        }
        // and no training text equals a test text
        var testKeys = data.Test.Select(SyntheticDataset.Key).ToHashSet();
        Assert.DoesNotContain(data.Train, x => testKeys.Contains(SyntheticDataset.Key(x)));
    }

    [Fact]
    public void Generation_is_seeded()
    {
        var a = SyntheticDataset.Generate(TaskFamilies.All, Small);
        var b = SyntheticDataset.Generate(TaskFamilies.All, Small);
        var c = SyntheticDataset.Generate(TaskFamilies.All, Small with { Seed = 4 });
        Assert.Equal(a.Train.Select(SyntheticDataset.Key), b.Train.Select(SyntheticDataset.Key));
        Assert.NotEqual(a.Train.Select(SyntheticDataset.Key), c.Train.Select(SyntheticDataset.Key));
    }

    [Fact]
    public void Every_reference_passes_its_own_checker_and_a_wrong_answer_fails()
    {
        var data = SyntheticDataset.Generate(TaskFamilies.All, Small with { Difficulty = 2 });
        foreach (var x in data.Test.Concat(data.Train))
        {
            var f = TaskFamilies.ByName(x.Family);
            Assert.Equal(new TaskGrade(true, true), f.Check(x.ReferenceText, x.ReferenceText));
            Assert.False(f.Check(x.ReferenceText, "").Correct);
            Assert.False(f.Check(x.ReferenceText, "").FormatValid);
        }
    }

    [Theory]
    [InlineData("arithmetic", "42", "The answer is 42.", true)]
    [InlineData("arithmetic", "42", "41", false)]
    [InlineData("units", "3000 m", "3,000 m", true)]
    [InlineData("units", "3000 m", "3000 cm", false)]
    [InlineData("dates", "Sunday", "It was a sunday.", true)]
    [InlineData("dates", "Sunday", "Monday", false)]
    [InlineData("dates", "13", "13 days", true)]
    [InlineData("strings", "apple fig pear", "Apple, fig, pear.", true)]
    [InlineData("strings", "apple fig pear", "fig apple pear", false)]
    [InlineData("strings", "3", "3", true)]
    [InlineData("extraction", "{\"age\":34,\"city\":\"Lyon\"}", "Here: {\"city\": \"Lyon\", \"age\": 34.0}", true)]
    [InlineData("extraction", "{\"age\":34,\"city\":\"Lyon\"}", "{\"age\":34}", false)]
    [InlineData("tool_call", "<|tool_call|>{\"name\":\"get_time\",\"arguments\":{\"city\":\"Oslo\"}}",
        "<|tool_call|>{\"arguments\":{\"city\":\"Oslo\"},\"name\":\"get_time\"}", true)]
    [InlineData("tool_call", "<|tool_call|>{\"name\":\"get_time\",\"arguments\":{\"city\":\"Oslo\"}}",
        "<|tool_call|>{\"name\":\"get_weather\",\"arguments\":{\"city\":\"Oslo\"}}", false)]
    public void Checkers_parse_answers_rather_than_compare_strings(string family, string reference, string reply, bool correct)
    {
        var g = TaskFamilies.ByName(family).Check(reference, reply);
        Assert.Equal(correct, g.Correct);
        Assert.True(g.FormatValid);
    }

    [Fact]
    public void Dates_are_checked_against_the_calendar()
    {
        // 14 March 2021 was a Sunday; 1 → 14 March is 13 days (a fact outside our code: any calendar)
        var f = new DateFamily();
        var rng = new Random(1);
        for (int i = 0; i < 50; i++)
        {
            var x = f.Generate(rng, i % f.TemplateCount, 2);
            string user = x.UserText;
            Assert.True(f.Check(x.ReferenceText, x.ReferenceText).Correct, user);
        }
        Assert.Equal(DayOfWeek.Sunday, new DateOnly(2021, 3, 14).DayOfWeek);
    }

    [Fact]
    public void Near_duplicates_of_a_test_text_are_caught_and_unrelated_texts_pass()
    {
        var filter = new TestSetFilter(["How many apples does Alice have if she has 12 apples and buys 30 more apples today"]);
        Assert.Equal("exact", filter.Contaminated("how many apples does alice have if she has 12 apples and buys 30 more apples today!"));
        Assert.Equal("near", filter.Contaminated("How many apples does Alice have if she has 12 apples and buys 30 more apples today please"));
        Assert.Null(filter.Contaminated("Convert 3 km to m."));
    }

    [Fact]
    public void Jsonl_round_trips_including_tool_calls()
    {
        var data = SyntheticDataset.Generate(TaskFamilies.All, Small with { TrainPerFamily = 5, TestPerFamily = 2 });
        string path = Path.Combine(Path.GetTempPath(), $"chat-{Guid.NewGuid():N}.jsonl");
        try
        {
            ChatJsonl.Write(path, data.Train);
            var back = ChatJsonl.Read(path);
            Assert.Equal(data.Train.Count, back.Count);
            for (int i = 0; i < back.Count; i++)
            {
                Assert.Equal(data.Train[i].Family, back[i].Family);
                Assert.Equal(data.Train[i].Template, back[i].Template);
                Assert.Equal(data.Train[i].ReferenceText, back[i].ReferenceText);
                Assert.Equal(data.Train[i].UserText, back[i].UserText);
            }
            Assert.Contains(back, x => x.Messages[^1].Contents.OfType<FunctionCallContent>().Any());
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "no assistant turn")]
    [InlineData("{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", "unknown role 'robot'")]
    [InlineData("{\"messages\":[{\"role\":\"user\",\"content\":\"\"},{\"role\":\"assistant\",\"content\":\"x\"}]}", "non-empty string")]
    [InlineData("{\"messages\":[]}", "non-empty array")]
    [InlineData("not json", "not valid JSON")]
    public void A_line_that_is_not_a_chat_is_an_error_naming_the_line(string bad, string expected)
    {
        string path = Path.Combine(Path.GetTempPath(), $"chat-{Guid.NewGuid():N}.jsonl");
        try
        {
            File.WriteAllText(path, "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}\n" + bad + "\n");
            var e = Assert.Throws<InputException>(() => ChatJsonl.Read(path));
            Assert.Contains($"{path}:2", e.Message);
            Assert.Contains(expected, e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_tool_call_example_renders_in_the_documented_format()
    {
        var x = new ToolCallFamily().Generate(new Random(0), 0, 1);
        Assert.StartsWith(ChatTokens.ToolCall + "{\"name\":\"", x.ReferenceText);
        Assert.Contains("\"arguments\":{", x.ReferenceText);
        Assert.Equal(ChatRole.System, x.Messages[0].Role);
    }
}
