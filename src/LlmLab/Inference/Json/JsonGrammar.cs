namespace LlmLab.Inference.Json;

/// <summary>
/// A character-level recogniser of JSON text (RFC 8259) restricted by a <see cref="JsonSchemaSubset"/>: a pushdown
/// automaton whose state is an immutable stack of frames, so a state can be extended by one character in O(1) and shared
/// by every token that starts the same way (<see cref="JsonConstraint"/> walks the vocabulary as a trie). It accepts a
/// prefix exactly when the prefix can still be completed into a valid instance, so masking every token it rejects
/// guarantees the output parses and validates (the approach of llama.cpp's GBNF grammars and of vLLM's guided decoding
/// backends). The output is compact: no whitespace outside strings, which also keeps an undertrained model from padding
/// forever. Numbers have at most 15 digits before and after the point and 3 in the exponent (the same reason).
/// Immutable and thread-safe.
/// </summary>
public sealed class JsonGrammar
{
    readonly Node _stack;

    JsonGrammar(Node stack) => _stack = stack;

    /// <summary>The state before any character: one value of <paramref name="schema"/>.</summary>
    public static JsonGrammar Start(JsonSchemaSubset schema) => new(new Node(new ValueFrame(schema), Node.Done));

    /// <summary>The state after <paramref name="c"/>, or null when no valid text continues this way.</summary>
    public JsonGrammar? Feed(char c) => Node.Feed(_stack, c) is { } next ? new JsonGrammar(next) : null;

    /// <summary>The state after <paramref name="text"/>, or null.</summary>
    public JsonGrammar? Feed(ReadOnlySpan<char> text)
    {
        Node? s = _stack;
        foreach (char c in text)
            if ((s = Node.Feed(s, c)) is null) return null;
        return new JsonGrammar(s!);
    }

    internal Node Stack => _stack;

    /// <summary>True when the text so far is a complete value (a number may still grow; it is complete anyway).</summary>
    public bool IsComplete => _stack.Frame is DoneFrame || (_stack.Frame.CanEnd && _stack.Next!.Frame is DoneFrame);

    /// <summary>True when no character can follow (the value is closed).</summary>
    public bool IsClosed => _stack.Frame is DoneFrame;

    /// <summary>One link of the immutable stack.</summary>
    internal sealed class Node(Frame frame, Node? next)
    {
        public static readonly Node Done = new(new DoneFrame(), null);
        public Frame Frame { get; } = frame;
        public Node? Next { get; } = next;

        /// <summary>Feeds <paramref name="c"/> to the top frame; a frame that may end (a number, an enumeration) and
        /// does not take the character hands it to the frame below.</summary>
        public static Node? Feed(Node? s, char c)
        {
            while (s is not null)
            {
                if (s.Frame.Feed(c, s.Next!) is { } r) return r;
                if (!s.Frame.CanEnd) return null;
                s = s.Next;
            }
            return null;
        }
    }

    internal abstract class Frame
    {
        /// <summary>The stack after consuming <paramref name="c"/> (this frame's continuation pushed on
        /// <paramref name="rest"/>), or null.</summary>
        public abstract Node? Feed(char c, Node rest);

        /// <summary>The frame is complete and ends at the first character it does not take.</summary>
        public virtual bool CanEnd => false;
    }

    sealed class DoneFrame : Frame
    {
        public override Node? Feed(char c, Node rest) => null;
    }

    /// <summary>Exactly <paramref name="text"/> from <paramref name="pos"/>.</summary>
    sealed class LiteralFrame(string text, int pos = 0) : Frame
    {
        public override Node? Feed(char c, Node rest) =>
            text[pos] != c ? null : pos + 1 == text.Length ? rest : new Node(new LiteralFrame(text, pos + 1), rest);
    }

    /// <summary>One of several complete JSON texts (an enum); may end when one has been matched in full.</summary>
    sealed class LiteralSetFrame(IReadOnlyList<string> candidates, int pos) : Frame
    {
        public override bool CanEnd => candidates.Any(t => t.Length == pos);

        public override Node? Feed(char c, Node rest)
        {
            var next = candidates.Where(t => t.Length > pos && t[pos] == c).ToList();
            if (next.Count == 0) return null;
            return next.Count == 1 && next[0].Length == pos + 1 ? rest : new Node(new LiteralSetFrame(next, pos + 1), rest);
        }
    }

    /// <summary>Any value the schema allows; the first character decides which kind (every JSON type starts
    /// differently, so a union of types stays deterministic).</summary>
    sealed class ValueFrame(JsonSchemaSubset schema) : Frame
    {
        public override Node? Feed(char c, Node rest)
        {
            if (schema.Literals is { } lits) return new LiteralSetFrame(lits, 0).Feed(c, rest);
            var t = schema.Types;
            bool number = (t & JsonTypes.Number) != 0, integer = !number && (t & JsonTypes.Integer) != 0;
            return c switch
            {
                '{' when (t & JsonTypes.Object) != 0 => schema.Properties is { } props ? Members(props, rest) : new Node(new ObjectFrame(false), rest),
                '[' when (t & JsonTypes.Array) != 0 => new Node(new ArrayFrame(schema, 0), rest),
                '"' when (t & JsonTypes.String) != 0 => new Node(new StringFrame(0), rest),
                (>= '0' and <= '9') or '-' when number || integer => new NumberFrame(integer, NumberFrame.Phase.Start, 0).Feed(c, rest),
                't' when (t & JsonTypes.Boolean) != 0 => new Node(new LiteralFrame("true", 1), rest),
                'f' when (t & JsonTypes.Boolean) != 0 => new Node(new LiteralFrame("false", 1), rest),
                'n' when (t & JsonTypes.Null) != 0 => new Node(new LiteralFrame("null", 1), rest),
                _ => null,
            };
        }

        /// <summary>After '{': "name":value for each property in order, then '}'.</summary>
        static Node Members(IReadOnlyList<(string Name, JsonSchemaSubset Schema)> props, Node rest)
        {
            var s = new Node(new LiteralFrame("}"), rest);
            for (int i = props.Count - 1; i >= 0; i--)
            {
                s = new Node(new ValueFrame(props[i].Schema), s);
                s = new Node(new LiteralFrame((i == 0 ? "" : ",") + System.Text.Json.JsonSerializer.Serialize(props[i].Name) + ":"), s);
            }
            return s;
        }
    }

    /// <summary>An object with any members: after '{' (or after ',' when <paramref name="needKey"/>).</summary>
    sealed class ObjectFrame(bool afterMember, bool needKey = false) : Frame
    {
        public override Node? Feed(char c, Node rest)
        {
            if (c == '"' && (!afterMember || needKey))
                return new Node(new StringFrame(0), new Node(new LiteralFrame(":"), new Node(new ValueFrame(JsonSchemaSubset.Any),
                    new Node(new ObjectFrame(true), rest))));
            if (c == '}' && !needKey) return rest;
            if (c == ',' && afterMember && !needKey) return new Node(new ObjectFrame(true, needKey: true), rest);
            return null;
        }
    }

    /// <summary>An array after '[' (<paramref name="count"/> = 0) or after its count-th item.</summary>
    sealed class ArrayFrame(JsonSchemaSubset schema, int count) : Frame
    {
        public override Node? Feed(char c, Node rest)
        {
            if (c == ']') return count >= schema.MinItems ? rest : null;
            if (count == 0)                                                  // the first item starts with this character
                return schema.MaxItems == 0 ? null : Node.Feed(new Node(new ValueFrame(schema.Items), new Node(new ArrayFrame(schema, 1), rest)), c);
            if (c == ',' && count < schema.MaxItems) return new Node(new ValueFrame(schema.Items), new Node(new ArrayFrame(schema, count + 1), rest));
            return null;
        }
    }

    /// <summary>Inside a string after its opening quote: <paramref name="state"/> 0 = plain, 1 = after '\', 2..5 =
    /// hex digits of \u still expected (5 - state + 1).</summary>
    sealed class StringFrame(int state) : Frame
    {
        public override Node? Feed(char c, Node rest) => state switch
        {
            0 when c == '"' => rest,
            0 when c == '\\' => new Node(new StringFrame(1), rest),
            0 when c < 0x20 => null,                                        // RFC 8259 §7: control characters must be escaped
            0 => new Node(this, rest),
            1 when c == 'u' => new Node(new StringFrame(2), rest),
            1 when "\"\\/bfnrt".Contains(c) => new Node(new StringFrame(0), rest),
            >= 2 when char.IsAsciiHexDigit(c) => new Node(new StringFrame(state == 5 ? 0 : state + 1), rest),
            _ => null,
        };
    }

    /// <summary>A number: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? (RFC 8259 §6), integers without fraction or exponent.</summary>
    sealed class NumberFrame(bool integer, NumberFrame.Phase phase, int digits) : Frame
    {
        internal enum Phase { Start, Minus, Zero, Int, Dot, Frac, E, ESign, Exp }

        const int MaxDigits = 15, MaxExpDigits = 3;

        public override bool CanEnd => phase is Phase.Zero or Phase.Int or Phase.Frac or Phase.Exp;

        public override Node? Feed(char c, Node rest)
        {
            bool digit = c is >= '0' and <= '9';
            Phase? next = phase switch
            {
                Phase.Start when c == '-' => Phase.Minus,
                Phase.Start or Phase.Minus when c == '0' => Phase.Zero,
                Phase.Start or Phase.Minus when digit => Phase.Int,
                Phase.Int when digit && digits < MaxDigits => Phase.Int,
                Phase.Zero or Phase.Int when c == '.' && !integer => Phase.Dot,
                Phase.Dot when digit => Phase.Frac,
                Phase.Frac when digit && digits < MaxDigits => Phase.Frac,
                Phase.Zero or Phase.Int or Phase.Frac when c is 'e' or 'E' && !integer => Phase.E,
                Phase.E when c is '+' or '-' => Phase.ESign,
                Phase.E or Phase.ESign when digit => Phase.Exp,
                Phase.Exp when digit && digits < MaxExpDigits => Phase.Exp,
                _ => null,
            };
            if (next is not { } n) return null;
            int d = n == phase && digit ? digits + 1 : digit ? 1 : 0;
            return new Node(new NumberFrame(integer, n, d), rest);
        }
    }
}
