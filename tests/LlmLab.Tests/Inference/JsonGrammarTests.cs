using System.Text.Json;
using LlmLab.Inference;
using LlmLab.Inference.Json;
using LlmLab.Runtime;
using LlmLab.Server;

namespace LlmLab.Tests.Inference;

/// <summary>The JSON grammar behind constrained decoding, checked against System.Text.Json (the parser outside the code
/// under test): known valid texts are accepted, known invalid ones refused, and random walks through the grammar's own
/// choices always end in text that parses and fits the schema.</summary>
public class JsonGrammarTests
{
    static JsonSchemaSubset Schema(string json) => JsonSchemaSubset.Parse(JsonDocument.Parse(json).RootElement, "schema");

    const string Person = """
        {"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"},"ok":{"type":"boolean"},
         "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":3},"score":{"type":["number","null"]}},
         "required":["name","age","ok","tags","score"],"additionalProperties":false}
        """;

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"a":1,"b":[true,false,null,-0.5e+3,"x\"\\\u00e9"],"c":{"d":{}}}""")]
    [InlineData("""{"":[[],[[]],{}]}""")]
    public void Any_object_accepts_valid_compact_json(string text)
    {
        var g = JsonGrammar.Start(JsonSchemaSubset.AnyObject).Feed(text);
        Assert.NotNull(g);
        Assert.True(g!.IsClosed);
        JsonDocument.Parse(text).Dispose();
    }

    [Theory]
    [InlineData("[1]", true)]             // json_object: an object, not an array
    [InlineData("{} ", true)]             // compact output: no whitespace outside strings, nothing after the value
    [InlineData("{,}", false)]
    [InlineData("{\"a\":01}", false)]     // RFC 8259: no leading zeros
    [InlineData("{\"a\":1.}", false)]
    [InlineData("{\"a\":tru}", false)]
    [InlineData("{\"a\":\"\n\"}", false)] // control characters must be escaped
    [InlineData("{\"a\":1,}", false)]
    public void Any_object_refuses_invalid_text(string text, bool validJsonOutsideTheMode)
    {
        Assert.Null(JsonGrammar.Start(JsonSchemaSubset.AnyObject).Feed(text));
        if (!validJsonOutsideTheMode) Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
    }

    [Fact]
    public void The_schema_fixes_the_properties_their_order_and_types()
    {
        var s = Schema(Person);
        Assert.NotNull(JsonGrammar.Start(s).Feed("""{"name":"x","age":-12,"ok":true,"tags":["a","b"],"score":null}"""));
        Assert.Null(JsonGrammar.Start(s).Feed("""{"age":1"""));                          // order
        Assert.Null(JsonGrammar.Start(s).Feed("""{"name":"x","age":1.5"""));             // integer
        Assert.Null(JsonGrammar.Start(s).Feed("""{"name":"x","age":1,"ok":true,"tags":["c"""));    // enum
        Assert.Null(JsonGrammar.Start(s).Feed("""{"name":"x","age":1,"ok":true,"tags":["a","a","a","a"""));  // maxItems
    }

    [Fact]
    public void Random_walks_through_the_grammar_always_end_in_valid_instances()
    {
        // Brute force: at each step pick a random character among those the grammar allows (from an alphabet that covers
        // JSON's syntax); every completed text must parse with System.Text.Json and fit the schema.
        const string alphabet = "{}[],:\"\\/0123456789-+.eEabcdefghijklmnopqrstuvwxyz é";
        var schemas = new[] { JsonSchemaSubset.AnyObject, Schema(Person), Schema("""{"type":"array","items":{"type":"integer"},"minItems":2}""") };
        var rng = new Random(7);
        int completed = 0;
        foreach (var schema in schemas)
            for (int walk = 0; walk < 300; walk++)
            {
                var g = JsonGrammar.Start(schema);
                var text = new System.Text.StringBuilder();
                while (!g.IsComplete && text.Length < 400)
                {
                    var options = alphabet.Select(c => (c, next: g.Feed(c))).Where(x => x.next is not null).ToList();
                    Assert.NotEmpty(options);                                   // a prefix of a valid text always continues
                    // Prefer closing characters a little so walks end.
                    var pick = options.FirstOrDefault(o => "}]\"".Contains(o.c) && rng.NextDouble() < 0.3);
                    if (pick.next is null) pick = options[rng.Next(options.Count)];
                    text.Append(pick.c);
                    g = pick.next!;
                }
                if (!g.IsComplete) continue;
                completed++;
                using var doc = JsonDocument.Parse(text.ToString());
                Assert.True(schema.Validates(doc.RootElement), text.ToString());
                if (schema == schemas[1]) CheckPerson(doc.RootElement);
            }
        Assert.True(completed > 300, $"only {completed} walks completed");
    }

    /// <summary>The person schema checked by hand (not by <see cref="JsonSchemaSubset.Validates"/>).</summary>
    internal static void CheckPerson(JsonElement e)
    {
        Assert.Equal(["name", "age", "ok", "tags", "score"], e.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.String, e.GetProperty("name").ValueKind);
        Assert.True(e.GetProperty("age").TryGetInt64(out _));
        Assert.Contains(e.GetProperty("ok").ValueKind, new[] { JsonValueKind.True, JsonValueKind.False });
        Assert.InRange(e.GetProperty("tags").GetArrayLength(), 0, 3);
        Assert.All(e.GetProperty("tags").EnumerateArray(), t => Assert.Contains(t.GetString(), new[] { "a", "b" }));
        Assert.Contains(e.GetProperty("score").ValueKind, new[] { JsonValueKind.Number, JsonValueKind.Null });
    }

    [Theory]
    [InlineData("""{"type":"string","pattern":"a+"}""", "pattern")]
    [InlineData("""{"anyOf":[{"type":"string"}]}""", "anyOf")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#/x"}}}""", "$ref")]
    [InlineData("""{"type":"object","additionalProperties":true}""", "additionalProperties")]
    [InlineData("""{"type":"object","properties":{},"required":["b"]}""", "'b'")]
    public void A_keyword_outside_the_subset_is_refused_by_name(string schema, string named)
    {
        var e = Assert.Throws<InputException>(() => Schema(schema));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void The_mask_allows_exactly_the_tokens_that_continue_the_value()
    {
        TorchRuntime.EnsureLoaded(1);
        var tok = DemoModel.CharTokenizer();
        var c = new JsonConstraint(JsonSchemaSubset.AnyObject, tok);
        var allowed = c.Allowed();
        Assert.Equal(["{"], Enumerable.Range(0, tok.VocabSize).Where(i => allowed[i]).Select(i => tok.Decode([i])));
        c.Accept(tok.Encode("{")[0]);
        Assert.Equal(["\"", "}"], Enumerable.Range(0, tok.VocabSize).Where(i => c.Allowed()[i]).Select(i => tok.Decode([i])).Order());
        c.Accept(tok.Encode("}")[0]);
        Assert.True(c.IsComplete);
        Assert.DoesNotContain(true, c.Allowed());
    }
}
