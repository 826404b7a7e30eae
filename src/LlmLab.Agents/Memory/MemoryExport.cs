using System.Text.Json.Nodes;

namespace LlmLab.Agents.Memory;

/// <summary>A user's memories as one JSON document (<c>llmlab-memory-export/1</c>): messages, facts with provenance and
/// history, summaries. Embeddings are derived data and are left out. Stateless.</summary>
public static class MemoryExport
{
    /// <summary>The export of <paramref name="user"/>'s memories.</summary>
    public static JsonObject ToJson(MemoryStore store, string user) => new()
    {
        ["format"] = "llmlab-memory-export/1",
        ["user"] = user,
        ["exported_at"] = MemoryStore.Time(DateTimeOffset.UtcNow),
        ["embedding_model"] = store.ModelId,
        ["messages"] = new JsonArray([.. store.Messages(user).Select(m => (JsonNode)new JsonObject
        {
            ["id"] = m.Id, ["session"] = m.Session, ["seq"] = m.FirstSeq, ["role"] = m.Role, ["text"] = m.Text,
            ["at"] = MemoryStore.Time(m.CreatedAt), ["importance"] = m.Importance, ["stale"] = m.Stale,
        })]),
        ["facts"] = new JsonArray([.. store.Facts(user, history: true).Select(f => (JsonNode)new JsonObject
        {
            ["id"] = f.Id, ["key"] = f.Key, ["value"] = f.Value, ["text"] = f.Text, ["at"] = MemoryStore.Time(f.CreatedAt),
            ["source"] = new JsonObject { ["session"] = f.Session, ["seq"] = f.FirstSeq }, ["importance"] = f.Importance,
            ["superseded_by"] = f.SupersededBy,
        })]),
        ["summaries"] = new JsonArray([.. store.Summaries(user).Select(s => (JsonNode)new JsonObject
        {
            ["id"] = s.Id, ["session"] = s.Session, ["first_seq"] = s.FirstSeq, ["last_seq"] = s.LastSeq, ["text"] = s.Text,
            ["at"] = MemoryStore.Time(s.CreatedAt),
        })]),
    };
}
