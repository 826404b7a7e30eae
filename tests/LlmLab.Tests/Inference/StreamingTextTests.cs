using LlmLab.Inference;
using LlmLab.Tokenization;

namespace LlmLab.Tests.Inference;

public class StreamingTextTests
{
    static (string Text, bool Stopped) Feed(StopSequenceMatcher m, params string[] pieces)
    {
        string all = "";
        foreach (var piece in pieces)
        {
            var (emit, stopped) = m.Push(piece);
            all += emit;
            if (stopped) return (all, true);
        }
        return (all + m.Flush(), false);
    }

    [Fact]
    public void A_stop_string_split_over_tokens_cuts_the_text_before_it() =>
        Assert.Equal(("Hello ", true), Feed(new StopSequenceMatcher(["\n\nUser:"]), "Hel", "lo \n", "\nUs", "er:", " more"));

    [Fact]
    public void The_start_of_a_possible_stop_string_is_held_back_until_it_is_decided()
    {
        var m = new StopSequenceMatcher(["END"]);
        Assert.Equal(("ab", false), m.Push("abE"));
        Assert.Equal(("", false), m.Push("N"));
        Assert.Equal(("ENx", false), m.Push("x"));   // not a stop after all: released
        Assert.Equal("", m.Flush());
    }

    [Fact]
    public void The_earliest_of_several_stop_strings_wins() =>
        Assert.Equal(("a", true), Feed(new StopSequenceMatcher(["cd", "bc"]), "ab", "cd"));

    [Fact]
    public void Held_text_is_returned_when_the_generation_ends_otherwise() =>
        Assert.Equal(("xyEN", false), Feed(new StopSequenceMatcher(["END"]), "xy", "EN"));

    [Fact]
    public void Without_stop_strings_everything_passes_at_once()
    {
        var m = new StopSequenceMatcher(null);
        Assert.Equal(("abc", false), m.Push("abc"));
    }

    [Fact]
    public void The_detokenizer_never_emits_half_a_character()
    {
        // GPT-2's byte-level BPE splits this emoji (4 UTF-8 bytes) over several tokens.
        var gpt2 = PretrainedTokenizers.Gpt2();
        string text = "ok 🦙 done";
        var ids = gpt2.Encode(text);
        var detok = new IncrementalDetokenizer(gpt2);
        var pieces = ids.Select(detok.Push).ToList();
        Assert.DoesNotContain(pieces, p => p.Contains('\uFFFD'));
        Assert.Contains(pieces, p => p.Length == 0); // at least one token completed no character
        Assert.Equal(text, string.Concat(pieces) + detok.Flush());
    }
}
