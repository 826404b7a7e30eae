using System.Globalization;
using System.Text.Json;

namespace LlmLab.Agents.Memory;

/// <summary>
/// A scripted multi-session conversation set with questions whose answers depend on earlier sessions, in the
/// <c>llmlab-memory-eval/1</c> JSON format (docs/part-08.md describes it; the lab's own set is embedded, a held-out set
/// in the same format is read from a file). Questions follow LOCOMO's categories (Maharana et al. 2024) plus
/// LongMemEval's knowledge updates: <c>single-hop</c>, <c>multi-hop</c>, <c>temporal</c>, <c>updated</c>,
/// <c>no-answer</c>. Every field is checked: a bad file is one <see cref="InputException"/> naming the file and field.
/// Immutable.
/// </summary>
/// <param name="Source">The file (or resource) it came from.</param>
/// <param name="Conversations">One per user.</param>
public sealed record MemoryEvalSet(string Source, IReadOnlyList<MemoryEvalSet.Conversation> Conversations)
{
    /// <summary>The format tag the file must carry.</summary>
    public const string Format = "llmlab-memory-eval/1";

    /// <summary>The question categories.</summary>
    public static readonly IReadOnlyList<string> Categories = ["single-hop", "multi-hop", "temporal", "updated", "no-answer"];

    /// <summary>One turn; its time is the session's start plus one minute per earlier turn.</summary>
    public sealed record Turn(string Id, string Role, string Text, DateTimeOffset At);

    /// <summary>One session of a conversation.</summary>
    public sealed record Session(string Id, DateTimeOffset Start, IReadOnlyList<Turn> Turns);

    /// <summary>A question asked after the last session. <paramref name="Answers"/> must all appear in a correct answer
    /// (case-insensitive); none of <paramref name="Wrong"/> may (an outdated value); <paramref name="Evidence"/> names
    /// the turns that hold the answer. A no-answer question has neither answers nor evidence: abstaining is correct.</summary>
    public sealed record Question(string Id, string Category, string Text, IReadOnlyList<string> Answers, IReadOnlyList<string> Wrong,
        IReadOnlyList<string> Evidence);

    /// <summary>One user's sessions and the questions about them.</summary>
    public sealed record Conversation(string User, IReadOnlyList<Session> Sessions, IReadOnlyList<Question> Questions)
    {
        /// <summary>When the questions are asked: a day after the last turn.</summary>
        public DateTimeOffset AskedAt => Sessions[^1].Turns[^1].At.AddDays(1);

        /// <summary>The session and position (0-based within its session) of a turn id.</summary>
        public (string Session, int Seq) Locate(string turnId)
        {
            foreach (var s in Sessions)
                for (int i = 0; i < s.Turns.Count; i++) if (s.Turns[i].Id == turnId) return (s.Id, i);
            throw new KeyNotFoundException(turnId);
        }
    }

    /// <summary>The lab's own set (embedded).</summary>
    public static MemoryEvalSet Builtin()
    {
        using var stream = typeof(MemoryEvalSet).Assembly.GetManifestResourceStream("LlmLab.Agents.Memory.memory-eval.json")
            ?? throw new InvalidOperationException("the embedded memory-eval.json is missing from the build");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd(), "memory-eval.json (built in)");
    }

    /// <summary>Reads a set from a file.</summary>
    public static MemoryEvalSet Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such memory evaluation set (format {Format}, see docs/part-08.md)");
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the JSON text of a set; <paramref name="source"/> names it in errors.</summary>
    public static MemoryEvalSet Parse(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InputException($"{source}: not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            Fields(root, source, "", "format", "description", "conversations");
            if (Str(root, "format", source, "") != Format) throw Bad(source, "format", $"must be \"{Format}\"");
            var conversations = Array(root, "conversations", source, "").Select((c, i) => ParseConversation(c, source,
                $"conversations[{i}]"))
                .ToList();
            if (conversations.Count == 0) throw Bad(source, "conversations", "is empty: give at least one conversation");
            var users = conversations.GroupBy(c => c.User).FirstOrDefault(g => g.Count() > 1);
            if (users is not null) throw Bad(source, "conversations", $"user \"{users.Key}\" appears twice: one conversation per user");
            return new MemoryEvalSet(source, conversations);
        }
    }

    static Conversation ParseConversation(JsonElement c, string source, string at)
    {
        Fields(c, source, at, "user", "sessions", "questions");
        string user = Str(c, "user", source, at);
        var sessions = new List<Session>();
        var turnIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (s, i) in Array(c, "sessions", source, at).Select((s, i) => (s, i)))
        {
            string sat = $"{at}.sessions[{i}]";
            Fields(s, source, sat, "id", "start", "turns");
            string id = Str(s, "id", source, sat);
            if (sessions.Any(x => x.Id == id)) throw Bad(source, $"{sat}.id", $"\"{id}\" is used twice");
            if (!DateTimeOffset.TryParse(Str(s, "start", source, sat), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var start))
                throw Bad(source, $"{sat}.start", "must be an ISO 8601 time such as 2024-01-08T18:00:00Z");
            if (sessions.Count > 0 && start <= sessions[^1].Turns[^1].At)
                throw Bad(source, $"{sat}.start", "must come after the previous session's last turn (sessions in time order)");
            var turns = new List<Turn>();
            foreach (var (t, j) in Array(s, "turns", source, sat).Select((t, j) => (t, j)))
            {
                string tat = $"{sat}.turns[{j}]";
                Fields(t, source, tat, "id", "role", "text");
                string role = Str(t, "role", source, tat);
                if (role is not ("user" or "assistant")) throw Bad(source, $"{tat}.role", "must be \"user\" or \"assistant\"");
                string tid = t.TryGetProperty("id", out _) ? Str(t, "id", source, tat) : $"{id}-{j + 1}";
                if (!turnIds.Add(tid)) throw Bad(source, $"{tat}.id", $"\"{tid}\" is used twice");
                turns.Add(new Turn(tid, role, Str(t, "text", source, tat), start.AddMinutes(j)));
            }
            if (turns.Count == 0) throw Bad(source, $"{sat}.turns", "is empty");
            sessions.Add(new Session(id, start, turns));
        }
        if (sessions.Count == 0) throw Bad(source, $"{at}.sessions", "is empty");
        var questions = new List<Question>();
        foreach (var (q, i) in Array(c, "questions", source, at).Select((q, i) => (q, i)))
        {
            string qat = $"{at}.questions[{i}]";
            Fields(q, source, qat, "id", "category", "question", "answers", "wrong", "evidence");
            string category = Str(q, "category", source, qat);
            if (!Categories.Contains(category)) throw Bad(source, $"{qat}.category", $"must be one of {string.Join(", ", Categories)}");
            var answers = Strings(q, "answers", source, qat, required: true);
            var evidence = Strings(q, "evidence", source, qat, required: true);
            if ((category == "no-answer") != (answers.Count == 0))
                throw Bad(source, $"{qat}.answers", "must be empty exactly for a no-answer question");
            if ((category == "no-answer") != (evidence.Count == 0))
                throw Bad(source, $"{qat}.evidence", "must be empty exactly for a no-answer question");
            if (evidence.FirstOrDefault(e => !turnIds.Contains(e)) is { } missing)
                throw Bad(source, $"{qat}.evidence", $"names turn \"{missing}\", which this conversation does not have");
            questions.Add(new Question(Str(q, "id", source, qat), category, Str(q, "question", source, qat), answers,
                Strings(q, "wrong", source, qat, required: false), evidence));
        }
        return new Conversation(user, sessions, questions);
    }

    static void Fields(JsonElement e, string source, string at, params string[] known)
    {
        if (e.ValueKind != JsonValueKind.Object) throw Bad(source, at.Length == 0 ? "(root)" : at, "must be a JSON object");
        foreach (var p in e.EnumerateObject())
            if (!known.Contains(p.Name))
                throw Bad(source, Join(at, p.Name), $"is not a field of {Format} (known: {string.Join(", ", known)})");
    }

    static string Str(JsonElement e, string name, string source, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Trim().Length > 0 ? v.GetString()!
        : throw Bad(source, Join(at, name), "is missing or not a non-empty string");

    static IEnumerable<JsonElement> Array(JsonElement e, string name, string source, string at) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList()
        : throw Bad(source, Join(at, name), "is missing or not an array");

    static IReadOnlyList<string> Strings(JsonElement e, string name, string source, string at, bool required)
    {
        if (!e.TryGetProperty(name, out var v)) return required ? throw Bad(source, Join(at, name), "is missing") : [];
        if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String
            || x.GetString()!.Length == 0))
            throw Bad(source, Join(at, name), "must be an array of non-empty strings");
        return v.EnumerateArray().Select(x => x.GetString()!).ToList();
    }

    static string Join(string at, string name) => at.Length == 0 ? name : $"{at}.{name}";

    static InputException Bad(string source, string field, string problem) => new($"{source}: {field} {problem}");
}
