using LlmLab.Agents.Agent;
using LlmLab.Agents.Tools;
using LlmLab.Alignment;
using LlmLab.Inference;
using LlmLab.Labs.Framework;
using LlmLab.Training;
using LlmLab.Runtime;
using Microsoft.Extensions.AI;

namespace LlmLab.Labs.Part08;

public sealed partial class AgentLab
{
    /// <summary>The agent_tools split every run uses, whatever its seed, so a model an earlier run trained is never
    /// graded on its own training conversations.</summary>
    const int FamilySeed = 82;

    /// <summary>The folder a model fine-tuned here is left in (for later runs). Renamed when the family's conversations
    /// changed (they now go on past the call), so a model trained on the old ones is not picked up.</summary>
    const string ModelFolder = "agent-exchange-sft";

    /// <summary>Section 6a: the local GPT fine-tuned on the agent_tools family's whole exchanges — call, the tool's real
    /// output (run on this lab's tools and clock), the answer — given, left by an earlier 8.2 run, or trained here, and
    /// run through the <c>&lt;|tool_call|&gt;</c> adapter on the task set. Its success is reported; the checks are that
    /// the family teaches this lab's tools and that every task was evaluated.</summary>
    static IReadOnlyList<AgentTaskGrade>? LocalModel(LabContext ctx, AgentLabConfig cfg, IReadOnlyList<AIFunction> tools,
        IReadOnlyList<AgentTask> tasks, AgentOptions options, AgentTrace trace)
    {
        var family = AgentToolsData.Family(tools);
        var taught = ToolCallFormat.ToolList(AgentToolsFamily.Tools.Where(t => tools.Any(f => f.Name == t.Name)));
        ctx.Checks.KnownAnswer("the toolbox's JSON schemas, rendered by the adapter").True(
            "the agent_tools family's tool list is this lab's tools as the local model is shown them",
            taught == ToolCallChatClient.ToolList(tools) && tools.All(f => AgentToolsFamily.Tools.Any(t => t.Name == f.Name)),
            ToolCallChatClient.ToolList(tools));
        if (cfg.LocalCheckpoint.Length == 0 && cfg.LocalModel == "none")
        {
            ctx.Checks.KnownAnswer("the task set's checkers").Skip("local GPT evaluated on the task set", "a checkpoint",
                "local_model=none (auto trains one on the agent_tools family, or --set 8.2:local_checkpoint=DIR)");
            return null;
        }
        TorchRuntime.EnsureLoaded(ctx.Threads);
        var data = SyntheticDataset.Generate([family], new SyntheticDataOptions(TrainPerFamily: cfg.LocalTrainExamples, TestPerFamily: 100,
            TestTemplates: 1, Seed: FamilySeed));
        var (checkpoint, origin) = FindOrTrain(ctx, cfg, data);
        var (gpt, tokenizer, _) = GptPretraining.Load(checkpoint);
        using (gpt)
        {
            // First turns (the call, or the direct reply when no tool is needed), then the answers after the results.
            var scores = SftEvaluator.Evaluate(gpt, tokenizer, ChatTemplate.Chat, [.. data.Test.Select(AgentToolsFamily.FirstTurn)],
                maxTokens: 64).Single();
            var afterResults = data.Test.Where(x => x.Messages.Any(m => m.Role == ChatRole.Tool)).ToList();
            var answers = SftEvaluator.Evaluate(gpt, tokenizer, ChatTemplate.Chat, afterResults, maxTokens: 64).Single();
            var raw = new RawReplies(new LocalChatClient(new GenerationEngine(gpt, tokenizer, PromptOverflow.TruncateLeft), "local",
                ChatTemplate.Chat, new SamplingParams(Temperature: 0, MaxTokens: 96)));
            var grades = Evaluate(new ToolCallChatClient(raw), tools, tasks, options, trace);
            ctx.Report.Paragraph($"Local GPT: {origin}. Asked through `ToolCallChatClient` (the tools become 7.1's tool-list " +
                "system message; a `<|tool_call|>` reply becomes a call), greedy, at most 96 new tokens a turn; a prompt past the " +
                "context keeps its last tokens.");
            GradeTable(ctx, $"local GPT (`{Path.GetRelativePath(ctx.Directory, checkpoint)}`) through the <|tool_call|> adapter", grades);
            ctx.Report.Table(["measure", "value"],
            [
                ["held-out agent_tools requests (unseen phrasing): first turn right (tool and arguments, or no call when none is " +
                    "needed)", $"{scores.Correct}/{scores.Count}"],
                ["held-out agent_tools requests: first turn in the right shape (a call, or text)", $"{scores.FormatValid}/{scores.Count}"],
                ["held-out answers after the tools' real results: every value of the result stated, no call",
                    $"{answers.Correct}/{answers.Count}"],
                ["task-set model turns that were a well-formed call (parse rate)", $"{raw.Parsed}/{raw.Turns}"],
                ["task-set model turns that opened a call but did not parse", $"{raw.Malformed}/{raw.Turns}"],
                ["tasks with right tools, arguments and answer", Share(grades.Select(g => g.AllRight))],
            ], "The local GPT's figures, reported, not asserted: what a small model learns in this many steps is the measurement");
            ctx.Report.Headline("local GPT: held-out agent_tools calls right", $"{scores.Correct}/{scores.Count}");
            ctx.Metrics.Log(new
            {
                section = "local", heldout_correct = scores.Correct, heldout_count = scores.Count, heldout_format = scores.FormatValid,
                answers_correct = answers.Correct, answers_count = answers.Count,
                turns = raw.Turns, parsed = raw.Parsed, malformed = raw.Malformed, tasks_right = grades.Count(g => g.AllRight),
                tasks = grades.Count,
            });
            ctx.Checks.KnownAnswer("the task set").Equal("local GPT: tasks evaluated (each run to an answer or a limit)", grades.Count,
                tasks.Count);
            return grades;
        }
    }

    static (string Checkpoint, string Origin) FindOrTrain(LabContext ctx, AgentLabConfig cfg, SyntheticDataset data)
    {
        if (cfg.LocalCheckpoint.Length > 0)
            return (Path.GetFullPath(cfg.LocalCheckpoint), "the checkpoint given with --set 8.2:local_checkpoint");
        if (cfg.LocalModel == "auto" && PriorRuns.Newest(ctx, "8.2", d => Path.GetFileName(d) == ModelFolder) is { } prior)
            return (prior, $"the model an earlier 8.2 run fine-tuned on the agent_tools family (`{prior}`)");
        var (dir, count) = SmallChatModel.Train(ctx, cfg.LocalShape(), data.Train, ModelFolder);
        return (dir, $"a {cfg.LocalLayers} × {cfg.LocalWidth} GPT trained here: {cfg.LocalBaseSteps} pretraining steps on " +
            $"`{ctx.Corpus.Name}`, " +
            $"then {cfg.LocalSftSteps} steps of lab 7.1's `SftRunner` on {count} agent_tools conversations (lab 7.1's generator with " +
            "this lab's tools attached: 8.2's tools, their real argument shapes and outputs, none of this lab's requests)");
    }

    /// <summary>Counts the model's raw replies: turns, well-formed calls, and replies that open a call but do not parse.</summary>
    sealed class RawReplies(IChatClient inner) : DelegatingChatClient(inner)
    {
        int _turns, _parsed, _malformed;

        public int Turns => _turns;
        public int Parsed => _parsed;
        public int Malformed => _malformed;

        public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var r = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _turns);
            string text = r.Text.Trim();
            if (ToolCallFormat.Parse(text) is not null) Interlocked.Increment(ref _parsed);
            else if (text.StartsWith(Tokenization.ChatTokens.ToolCall, StringComparison.Ordinal) || text.StartsWith('{'))
                Interlocked.Increment(ref _malformed);
            return r;
        }
    }
}
