using System.Globalization;
using System.Text;
using LlmLab.Text;

namespace LlmLab.Labs.Framework;

/// <summary>
/// What a lab's <see cref="ILab.Plan"/> may look at before anything is trained or written: the profile and the run's corpus,
/// with the corpus's train and validation splits measured once (streamed, up to the largest amount any lab asks for) and
/// shared by every lab of a run. A plan records two kinds of finding: a hard one (the run could not start or would stop:
/// <see cref="Require"/> throws an <see cref="InputException"/> naming the <c>--set</c> key) and a shortfall (the run would
/// start but on less data than its config says: <see cref="Shortfalls"/>, which the runner prints and the profile tests
/// refuse for the default corpus). Not thread-safe.
/// </summary>
public sealed class LabPlan(Profile profile, long seed, Func<IDocumentSource> corpus) : IDisposable
{
    readonly Lazy<IDocumentSource> _corpus = new(corpus);
    readonly List<string> _shortfalls = [];
    // Per split: the bytes measured so far, whether the split ended, and where the reader stopped.
    readonly Dictionary<bool, (long Bytes, bool Ended, IEnumerator<Document>? Reader)> _measured = new();

    /// <summary>The profile being planned.</summary>
    public Profile Profile { get; } = profile;

    /// <summary>The run's seed (what a lab derives its data from).</summary>
    public long Seed { get; } = seed;

    /// <summary>What the configs ask for that the inputs cannot give in full, one line each ("lab 2.2: train_bytes …").</summary>
    public IReadOnlyList<string> Shortfalls => _shortfalls;

    /// <summary>The lab being planned; set by the caller so that findings name it.</summary>
    public string LabId { get; set; } = "";

    /// <summary>Throws an <see cref="InputException"/> with <paramref name="message"/> unless <paramref name="ok"/>.</summary>
    public static void Require(bool ok, string message)
    {
        if (!ok) throw new InputException(message);
    }

    /// <summary>Records a shortfall unless <paramref name="available"/> ≥ <paramref name="requested"/>.</summary>
    public void Need(string key, long requested, long available, string what)
    {
        if (available >= requested) return;
        _shortfalls.Add(string.Create(CultureInfo.InvariantCulture,
            $"lab {LabId}: {key} asks for {requested:N0} {what}, the inputs give {available:N0}; the run would use what there is"));
    }

    /// <summary>
    /// Bytes that <see cref="LlmLab.Text.CorpusBytes.Load"/> can return from the corpus's train (or validation) split, counted up to
    /// <paramref name="upTo"/> (the count is exact below it). Reads each split once per plan, however many labs ask.
    /// </summary>
    public long CorpusBytesAvailable(long upTo, bool validation = false)
    {
        var (bytes, ended, reader) = _measured.GetValueOrDefault(validation);
        if (reader is null && !ended)
            reader = (validation ? _corpus.Value.Validation() : _corpus.Value.Train()).Read().GetEnumerator();
        while (!ended && bytes < upTo)
        {
            if (reader!.MoveNext()) bytes += Encoding.UTF8.GetByteCount(reader.Current.Text) + 1;   // + the joining newline
            else
            {
                ended = true;
                reader.Dispose();
                reader = null;
            }
        }
        _measured[validation] = (bytes, ended, reader);
        return Math.Min(bytes, upTo);
    }

    /// <summary>Records a shortfall when the corpus's split holds fewer than <paramref name="requested"/> bytes (the key's
    /// value); returns the bytes the lab will get.</summary>
    public long CorpusBytes(string key, long requested, bool validation = false)
    {
        long available = CorpusBytesAvailable(requested, validation);
        Need(key, requested, available, $"bytes of the corpus's {(validation ? "validation" : "train")} split");
        return available;
    }

    /// <summary>Closes the corpus readers a measurement left open.</summary>
    public void Dispose()
    {
        foreach (var (_, _, reader) in _measured.Values) reader?.Dispose();
        _measured.Clear();
    }
}
