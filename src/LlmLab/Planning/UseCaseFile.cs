using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LlmLab.Planning;

/// <summary>
/// Reads a use-case specification (YAML or JSON, chosen by the file's extension) into one
/// <see cref="JsonNode"/> tree, so that a single validator walks the same shape whichever format was written.
/// A file that cannot be parsed is an <see cref="InputException"/> naming the file and the line. Thread-safe.
/// </summary>
public static class UseCaseFile
{
    /// <summary>The format of a spec file.</summary>
    public enum Format { Yaml, Json }

    /// <summary>YAML for .yaml/.yml, JSON for .json; any other extension is an <see cref="InputException"/>.</summary>
    public static Format FormatOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".yaml" or ".yml" => Format.Yaml,
        ".json" => Format.Json,
        var e => throw new InputException($"use-case file '{path}': unknown extension '{e}'; name it *.yaml, *.yml or *.json"),
    };

    /// <summary>Reads and parses <paramref name="path"/>. A missing file or a syntax error is an <see cref="InputException"/>.</summary>
    public static JsonNode? Load(string path)
    {
        Format format = FormatOf(path);
        if (!File.Exists(path))
            throw new InputException($"use-case file '{path}' not found; create one with 'llmlab usecase new {path}'");
        return Parse(File.ReadAllText(path), format, path);
    }

    /// <summary>Parses spec text; <paramref name="name"/> names the source in error messages.</summary>
    public static JsonNode? Parse(string text, Format format, string name) =>
        format == Format.Json ? ParseJson(text, name) : ParseYaml(text, name);

    static JsonNode? ParseJson(string text, string name)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
            });
        }
        catch (JsonException e)
        {
            // JsonException counts lines and bytes from 0.
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            throw new InputException($"{name}:{line}:{column}: not valid JSON ({FirstSentence(e.Message)}); fix the syntax at line {line}",
                e);
        }
    }

    static JsonNode? ParseYaml(string text, string name)
    {
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(text)));
        try
        {
            stream.Load(parser);
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // YamlDotNet 16 throws a bare InvalidOperationException on some unclosed flow collections ("[a, b"):
            // then the last position the parser reached is the best line there is.
            Mark at = e is YamlException y ? y.Start : parser.Last;
            string what = e is not YamlException ? "an unclosed '[' or '{'?"
                : e.Message.StartsWith("Duplicate key", StringComparison.Ordinal)
                    ? $"key '{e.Message[14..].Trim()}' appears twice in the same mapping; keep one"
                : FirstSentence(e.InnerException?.Message ?? e.Message);
            throw new InputException($"{name}:{at.Line}:{at.Column}: not valid YAML ({what}); fix the syntax at line {at.Line} " +
                "(indent with spaces, quote values that start with '>', '|', '*', '&', '!', '%' or '@')", e);
        }
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1)
            throw new InputException($"{name}: holds {stream.Documents.Count} YAML documents ('---'); keep one use case per file");
        // Round-trip through text so every value is backed by a JsonElement: its numbers convert between
        // int, long and double on read, which a JsonValue made from a CLR long does not.
        JsonNode? tree = Convert(stream.Documents[0].RootNode, name);
        return tree is null ? null : JsonNode.Parse(tree.ToJsonString());
    }

    /// <summary>YAML node → JSON node. Plain scalars follow the YAML 1.2 core schema (null, true/false, numbers);
    /// quoted and block scalars stay strings, so <c>"0.9"</c> is text and <c>0.9</c> a number.</summary>
    static JsonNode? Convert(YamlNode node, string name)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    if (k is not YamlScalarNode { Value: { } key })
                        throw new InputException(
                            $"{name}:{k.Start.Line}: a key must be a plain word (e.g. 'name:'), not a list or a mapping");
                    obj[key] = Convert(v, name);
                }
                return obj;
            case YamlSequenceNode seq:
                var arr = new JsonArray();
                foreach (var item in seq.Children) arr.Add(Convert(item, name));
                return arr;
            case YamlScalarNode scalar:
                return Scalar(scalar);
            default:
                throw new InputException(
                    $"{name}:{node.Start.Line}: unsupported YAML node ({node.NodeType}); write plain values, lists and mappings");
        }
    }

    static JsonNode? Scalar(YamlScalarNode s)
    {
        string v = s.Value ?? "";
        if (s.Style != YamlDotNet.Core.ScalarStyle.Plain) return JsonValue.Create(v);
        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        var ci = CultureInfo.InvariantCulture;
        if (long.TryParse(v, NumberStyles.AllowLeadingSign, ci, out long l)) return JsonValue.Create(l);
        if (double.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, ci,
            out double d)
            && double.IsFinite(d)) return JsonValue.Create(d);
        return JsonValue.Create(v);
    }

    /// <summary>Passes events through and remembers where the last one ended.</summary>
    sealed class TrackingParser(IParser inner) : IParser
    {
        public Mark Last { get; private set; } = Mark.Empty;
        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            bool more = inner.MoveNext();
            if (inner.Current is { } e) Last = e.End;
            return more;
        }
    }

    static string FirstSentence(string message)
    {
        int cut = message.IndexOfAny(['\n', '\r']);
        string s = (cut >= 0 ? message[..cut] : message).Trim();
        // System.Text.Json appends " Path: $.x | LineNumber: 1 | BytePositionInLine: 6."; the position is given already.
        foreach (string tail in new[] { " Path:", " LineNumber:" })
        {
            int at = s.IndexOf(tail, StringComparison.Ordinal);
            if (at > 0) s = s[..at];
        }
        return s.TrimEnd('.', ' ');
    }
}
