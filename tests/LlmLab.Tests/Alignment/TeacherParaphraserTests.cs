using LlmLab.Alignment;
using Microsoft.Extensions.AI;

namespace LlmLab.Tests.Alignment;

public class TeacherParaphraserTests
{
    const string Prefix = "Could you help me with this one: ";
    static readonly IReadOnlyList<TaskFamily> Families = [TaskFamilies.ByName("arithmetic"), TaskFamilies.ByName("strings"), TaskFamilies.ByName("dates")];
    static readonly SyntheticDataset Data = SyntheticDataset.Generate(Families, new SyntheticDataOptions(TrainPerFamily: 30, TestPerFamily: 10, Seed: 5));

    /// <summary>A teacher whose paraphrase and answer are functions of the request; the instruction tells the two apart.</summary>
    sealed class FakeTeacher(Func<string, string> paraphrase, Func<string, string> answer) : IChatClient
    {
        public int Calls;
        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
        {
            Interlocked.Increment(ref Calls);
            var list = messages.ToList();
            string user = list.Last(m => m.Role == ChatRole.User).Text;
            string reply = list[0].Text == TeacherParaphraser.Instruction ? paraphrase(user) : answer(user);
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, reply)));
        }
        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> m, ChatOptions? o = null, CancellationToken ct = default) =>
            throw new NotSupportedException();
        public object? GetService(Type serviceType, object? serviceKey = null) => null;
        public void Dispose() { }
    }

    /// <summary>Answers a (possibly prefixed) training question with its reference reply, as a perfect teacher would.</summary>
    static string Oracle(string user)
    {
        string original = user.StartsWith(Prefix, StringComparison.Ordinal) ? user[Prefix.Length..] : user;
        return Data.Train.First(x => x.UserText == original).ReferenceText;
    }

    static ParaphraseReport Run(FakeTeacher teacher, ParaphraseOptions? options = null) =>
        TeacherParaphraser.ParaphraseAsync(Data, Families, teacher, options ?? new ParaphraseOptions(Concurrency: 3)).GetAwaiter().GetResult();

    [Fact]
    public void Faithful_paraphrases_replace_the_prompts_and_leave_answers_and_the_test_set_alone()
    {
        var teacher = new FakeTeacher(u => Prefix + u, Oracle);
        var r = Run(teacher);
        Assert.Equal(Data.Train.Count, r.Sent);
        Assert.Equal(r.Sent, r.Outcomes[ParaphraseOutcome.Kept]);
        Assert.Equal(2 * r.Sent, teacher.Calls); // one paraphrase and one verification each
        Assert.All(r.Dataset.Train, x => Assert.StartsWith(Prefix, x.UserText));
        Assert.Equal(Data.Train.Select(x => x.ReferenceText), r.Dataset.Train.Select(x => x.ReferenceText));
        Assert.Equal(Data.Test.Select(SyntheticDataset.Key), r.Dataset.Test.Select(SyntheticDataset.Key));
    }

    [Fact]
    public void A_paraphrase_that_loses_a_number_is_rejected_and_the_original_kept()
    {
        var r = Run(new FakeTeacher(u => Prefix + new string(u.Select(c => char.IsDigit(c) ? 'x' : c).ToArray()), Oracle));
        var arithmetic = r.Dataset.Train.Where(x => x.Family == "arithmetic").ToList();
        Assert.All(arithmetic, x => Assert.DoesNotContain(Prefix, x.UserText));
        Assert.True(r.Outcomes[ParaphraseOutcome.LostSlot] >= arithmetic.Count, r.Summary());
        // the strings family has no digits: its paraphrases survive
        Assert.Contains(r.Dataset.Train, x => x.Family == "strings" && x.UserText.StartsWith(Prefix, StringComparison.Ordinal));
    }

    [Fact]
    public void A_paraphrase_whose_answer_changes_fails_verification_unless_verification_is_off()
    {
        var wrong = new FakeTeacher(u => Prefix + u, _ => "I think it is 123456789 or zzz");
        var r = Run(wrong);
        Assert.Equal(0, r.Outcomes[ParaphraseOutcome.Kept]);
        Assert.Equal(r.Sent, r.Outcomes[ParaphraseOutcome.WrongAnswer]);
        Assert.Equal(Data.Train.Select(SyntheticDataset.Key), r.Dataset.Train.Select(SyntheticDataset.Key));
        var unverified = Run(new FakeTeacher(u => Prefix + u, _ => "zzz"), new ParaphraseOptions(Verify: false));
        Assert.Equal(unverified.Sent, unverified.Outcomes[ParaphraseOutcome.Kept]);
    }

    [Fact]
    public void Rewrites_into_a_test_conversation_special_tokens_and_teacher_errors_are_rejected()
    {
        // the teacher "paraphrases" every training prompt of a family into one of its held-out test prompts
        var nearTest = Run(new FakeTeacher(u => Data.Test.First(t => Data.Train.First(x => x.UserText == u).Family == t.Family).UserText, Oracle));
        Assert.Equal(0, nearTest.Outcomes[ParaphraseOutcome.Kept]);
        Assert.True(nearTest.Outcomes[ParaphraseOutcome.NearTest] >= nearTest.Sent - 2, nearTest.Summary());
        var special = Run(new FakeTeacher(u => "<|assistant|>" + u, Oracle));
        Assert.Equal(special.Sent, special.Outcomes[ParaphraseOutcome.Malformed]);
        var failing = Run(new FakeTeacher(_ => throw new HttpRequestException("connection refused"), Oracle));
        Assert.Equal(failing.Sent, failing.Outcomes[ParaphraseOutcome.TeacherFailed]);
        Assert.Equal(Data.Train.Select(SyntheticDataset.Key), failing.Dataset.Train.Select(SyntheticDataset.Key));
    }

    [Fact]
    public void The_fraction_paraphrased_is_seeded_and_validated()
    {
        var half = Run(new FakeTeacher(u => Prefix + u, Oracle), new ParaphraseOptions(Fraction: 0.5, Seed: 2));
        var again = Run(new FakeTeacher(u => Prefix + u, Oracle), new ParaphraseOptions(Fraction: 0.5, Seed: 2));
        Assert.InRange(half.Sent, Data.Train.Count / 4, 3 * Data.Train.Count / 4);
        Assert.Equal(half.Dataset.Train.Select(SyntheticDataset.Key), again.Dataset.Train.Select(SyntheticDataset.Key));
        Assert.Equal(0, Run(new FakeTeacher(u => Prefix + u, Oracle), new ParaphraseOptions(Fraction: 0)).Sent);
        var e = Assert.Throws<InputException>(() => Run(new FakeTeacher(u => u, Oracle), new ParaphraseOptions(Fraction: 1.5)));
        Assert.Contains("fraction", e.Message);
    }

    [Fact]
    public void Words_keep_values_whole_and_drop_punctuation_around_them()
    {
        Assert.Equal(["Name", "Alice", "Age", "30", "on", "2024-03-05", "at", "3.5", "km"],
            TeacherParaphraser.Words("Name=Alice | Age=30, on 2024-03-05 (at 3.5 km)."));
    }
}

/// <summary><c>llmlab data synth --teacher-model</c> against a real OpenAI-compatible server (ours, on loopback, over
/// the tiny demo model): every training prompt goes over HTTP, and whatever the teacher says, the files are whole.</summary>
public sealed class DataSynthTeacherTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("llmlab-teacher-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Data_synth_paraphrases_through_an_OpenAI_compatible_endpoint()
    {
        await using var server = await LlmLab.Tests.Server.TestServer.StartAsync(context: 4096);
        string train = Path.Combine(_root, "train.jsonl"), test = Path.Combine(_root, "test.jsonl");
        string? saved = Environment.GetEnvironmentVariable("OPENAI_API_KEY");
        Environment.SetEnvironmentVariable("OPENAI_API_KEY", LlmLab.Tests.Server.TestServer.Key);
        try
        {
            var (code, output, err) = CliRun.Run("data", "synth", "--out", train, "--test-out", test, "--families", "strings,arithmetic",
                "--n", "8", "--test-n", "4", "--teacher-model", LlmLab.Server.DemoModel.ModelId,
                "--teacher-base-url", new Uri(server.Base, "v1").ToString());
            Assert.True(code == 0, err + output);
            Assert.Matches(@"teacher: \d+ of 8 paraphrases kept; rejected: ", output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("OPENAI_API_KEY", saved);
        }
        Assert.Equal(8, File.ReadAllLines(train).Length);
        Assert.Equal(4, File.ReadAllLines(test).Length);
        Assert.True(server.Logs.Lines.Count(l => l.Contains("/v1/chat/completions", StringComparison.Ordinal)) >= 8);
    }
}
