namespace LlmLab.Text;

/// <summary>Train/validation views of a corpus (see <see cref="CorpusSplit"/>); they stream, like the source.</summary>
public static class DocumentSourceExtensions
{
    /// <summary>The documents that are not in the validation part.</summary>
    public static IDocumentSource Train(this IDocumentSource source, double fraction = CorpusSplit.DefaultFraction) =>
        new SplitSource(source, fraction, validation: false);

    /// <summary>The validation part: about <paramref name="fraction"/> of the documents, chosen by id hash.</summary>
    public static IDocumentSource Validation(this IDocumentSource source, double fraction = CorpusSplit.DefaultFraction) =>
        new SplitSource(source, fraction, validation: true);

    sealed class SplitSource : IDocumentSource
    {
        readonly IDocumentSource _source;
        readonly double _fraction;
        readonly bool _validation;

        public SplitSource(IDocumentSource source, double fraction, bool validation)
        {
            ArgumentNullException.ThrowIfNull(source);
            CorpusSplit.IsValidation("", fraction); // validates the fraction now, not at first read
            (_source, _fraction, _validation) = (source, fraction, validation);
        }

        public string Name => $"{_source.Name} ({(_validation ? "validation" : "train")})";

        public IEnumerable<Document> Read(CancellationToken cancellationToken = default) =>
            _source.Read(cancellationToken).Where(d => CorpusSplit.IsValidation(d.Id, _fraction) == _validation);
    }
}
