namespace LlmLab.Labs.Framework;

/// <summary>
/// The course index (shared/course-index.md) as data: the 27 labs and exercises with their French titles and
/// objectives, English translations, skills, the index's difficulty recap and estimated durations, and the three
/// suggested learning paths. Which of them are implemented is <see cref="LabRegistry"/>'s business.
/// </summary>
public static class LabCatalog
{
    static readonly (int Part, string Title)[] Parts =
    [
        (1, "Vision, landscape and mental models"), (2, "Mathematical foundations"), (3, "Deep-learning basics"),
        (4, "Modern architectures"), (5, "Data"), (6, "Pretraining"), (7, "Post-training and alignment"),
        (8, "Tools, agents and RAG"), (9, "Inference and optimisation"), (10, "Deployment and LLMOps"),
    ];

    static LabInfo L(string id, string title, string titleFr, string objective, string objectiveFr, string skills, Level level, string duration)
    {
        int part = int.Parse(id.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);
        return new LabInfo(id, part, Parts[part - 1].Title, title, titleFr, objective, objectiveFr, skills, level, duration);
    }

    const string None = "—"; // the index gives no duration for Part 1's exercises

    /// <summary>Every lab and exercise, in the index's order.</summary>
    public static readonly IReadOnlyList<LabInfo> All =
    [
        L("1.1", "Use-case analysis", "Analyse de cas d'usage", "Write a complete LLM use case", "Formuler un cas d'usage LLM complet", "Business analysis, defining metrics", Level.Beginner, None),
        L("1.2", "Writing prompts", "Formuler des prompts", "Write effective prompts for different tasks", "Écrire des prompts efficaces pour différentes tâches", "Prompt engineering", Level.Beginner, None),
        L("1.3", "Resource estimation", "Estimation de ressources", "Compute GPU memory needs", "Calculer les besoins en mémoire GPU", "Infrastructure sizing", Level.Beginner, None),
        L("2.1", "Cross-entropy from scratch", "Implémentation de cross-entropy", "Implement the loss function from scratch", "Implémenter la fonction de loss from scratch", "NumPy, PyTorch, mathematics", Level.Beginner, "1 h"),
        L("2.2", "Loss-landscape visualisation", "Visualisation de paysages de perte", "Visualise the loss surface to understand optimisation", "Visualiser la surface de loss pour comprendre l'optimisation", "Matplotlib, optimisation", Level.Intermediate, "1-2 h"),
        L("2.3", "SGD vs Adam vs AdamW", "Comparaison d'optimiseurs", "Compare SGD, Adam and AdamW", "Comparer SGD, Adam et AdamW", "PyTorch, optimisation", Level.Intermediate, "2-3 h"),
        L("3.1", "Character-level language model", "Character-level language model", "Build a simple LM that predicts the next character", "Construire un LM simple prédisant le caractère suivant", "PyTorch, RNN/LSTM", Level.Intermediate, "3-4 h"),
        L("3.2", "Subword LM with BPE", "Subword language model avec BPE", "Train a BPE tokenizer and an LSTM model", "Entraîner un tokenizer BPE et un modèle LSTM", "Tokenization, LSTM", Level.Advanced, "4-5 h"),
        L("4.1", "Minimal Transformer", "Implémenter un Transformer minimal", "Code a Transformer from scratch", "Coder un Transformer from scratch", "Transformer architecture, attention", Level.Advanced, "5-8 h"),
        L("4.2", "Dense vs MoE", "Comparer dense vs MoE", "Measure latency, memory and quality", "Mesurer latence, mémoire et qualité", "MoE, benchmarking", Level.Advanced, "3-4 h"),
        L("4.3", "Standard attention vs FlashAttention", "Benchmarker FlashAttention", "Compare the speed of standard attention and FlashAttention", "Comparer vitesse attention standard vs FlashAttention", "Optimisation, profiling", Level.Intermediate, "2-3 h"),
        L("5.1", "Deduplication pipeline", "Pipeline de déduplication", "Implement exact and near-duplicate deduplication", "Implémenter déduplication exacte et near-duplicate", "MinHash, data processing", Level.Intermediate, "4-6 h"),
        L("5.2", "Corpus distribution analysis", "Analyse de distributions", "Analyse and visualise a corpus", "Analyser et visualiser un corpus", "Statistics, visualisation", Level.Beginner, "2-3 h"),
        L("5.3", "Data mixture and sharding", "Construire un mélange", "Build a mixed dataset and shard it", "Créer un dataset mixte et sharder", "Data engineering", Level.Intermediate, "3-4 h"),
        L("6", "Pretraining a small model", "Entraînement complet d'un modèle small", "Train a 125M model from scratch with FSDP", "Entraîner un modèle 125M from scratch avec FSDP", "Distributed training, monitoring", Level.Advanced, "1-2 days (+ compute)"),
        L("7.1", "SFT on synthetic data", "SFT sur un dataset synthétique", "Fine-tune on generated data", "Fine-tuner avec des données générées", "SFT, synthetic generation", Level.Advanced, "1 day"),
        L("7.2", "DPO vs PPO", "Comparer DPO vs PPO", "Train and compare both approaches", "Entraîner et comparer les deux approches", "DPO, PPO, evaluation", Level.Advanced, "2-3 days"),
        L("7.3", "Refusal policy", "Politique de refus", "Implement appropriate refusals", "Implémenter des refus appropriés", "Safety, training-free alignment", Level.Intermediate, "1 day"),
        L("8.1", "Complete RAG pipeline", "Pipeline RAG complet", "Build an end-to-end RAG system", "Construire un système RAG de bout en bout", "Embeddings, retrieval, generation", Level.Advanced, "1-2 days"),
        L("8.2", "Multi-tool agent", "Agent multi-outils", "Build an agent that uses several tools", "Créer un agent utilisant plusieurs outils", "Function calling, orchestration", Level.Intermediate, "1 day"),
        L("8.3", "Chatbot with persistent memory", "Système avec mémoire", "Chatbot with persistent memory", "Chatbot avec mémoire persistante", "Long-term memory, personalisation", Level.Intermediate, "1 day"),
        L("9.1", "Serving benchmark (vLLM vs TGI)", "Benchmarker vLLM vs TGI", "Compare the performance of serving engines", "Comparer performance des engines", "Benchmarking, serving", Level.Beginner, "0.5 day"),
        L("9.2", "Speculative decoding", "Speculative decoding", "Implement it and measure the speed-up", "Implémenter et mesurer le speedup", "Inference optimisation", Level.Advanced, "1-2 days"),
        L("9.3", "Quantization and evaluation", "Quantization et évaluation", "Quantize and evaluate the loss of quality", "Quantifier et évaluer la perte de qualité", "Compression, benchmarking", Level.Intermediate, "1 day"),
        L("10.1", "Production API with monitoring", "API complète avec monitoring", "Deploy a production-ready API", "Déployer une API production-ready", "FastAPI, Prometheus, Grafana", Level.Advanced, "2-3 days"),
        L("10.2", "Drift detection", "Détection de dérive", "Detect drift automatically", "Détecter automatiquement le drift", "Monitoring, ML ops", Level.Intermediate, "1 day"),
        L("10.3", "Cost optimisation", "Optimisation des coûts", "Implement caching and cascades", "Implémenter caching et cascade", "Cost optimisation", Level.Intermediate, "1 day"),
    ];

    /// <summary>The index's suggested paths, each an ordered list of lab ids.</summary>
    public static IReadOnlyList<string> PathLabs(LearningPath path) => path switch
    {
        // Research: Part 2 all, Part 3 labs 1-2, Part 4 lab 1, Part 6, Part 7 labs 1-2.
        LearningPath.Research => ["2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "6", "7.1", "7.2"],
        // Engineering: Parts 5, 8, 9 and 10, all labs.
        LearningPath.Engineering => All.Where(l => l.Part is 5 or 8 or 9 or 10).Select(l => l.Id).ToList(),
        // Full Stack: every lab in the order of the parts.
        _ => All.Select(l => l.Id).ToList(),
    };

    public static LabInfo? Find(string id) => All.FirstOrDefault(l => l.Id == id.Trim());

    public static LabInfo Get(string id) => Find(id) ?? throw new InputException(
        $"unknown lab id '{id}': run 'llmlab labs list' to see the ids (e.g. 1.3, 2.1, 6)");

    public static IEnumerable<LearningPath> PathsOf(LabInfo lab) =>
        Enum.GetValues<LearningPath>().Where(p => PathLabs(p).Contains(lab.Id));

    public static string PathName(LearningPath p) => p switch
    {
        LearningPath.Research => "research", LearningPath.Engineering => "engineering", _ => "fullstack",
    };

    public static LearningPath ParsePath(string s) => s.Trim().ToLowerInvariant() switch
    {
        "research" => LearningPath.Research,
        "engineering" => LearningPath.Engineering,
        "fullstack" or "full-stack" => LearningPath.FullStack,
        _ => throw new InputException($"unknown --path '{s}': use research, engineering or fullstack"),
    };

    public static Level ParseLevel(string s) => s.Trim().ToLowerInvariant() switch
    {
        "beginner" => Level.Beginner,
        "intermediate" => Level.Intermediate,
        "advanced" => Level.Advanced,
        _ => throw new InputException($"unknown --level '{s}': use beginner, intermediate or advanced"),
    };

    public static Profile ParseProfile(string s) => s.Trim().ToLowerInvariant() switch
    {
        "smoke" => Profile.Smoke,
        "quick" => Profile.Quick,
        "full" => Profile.Full,
        _ => throw new InputException($"unknown --profile '{s}': use smoke, quick or full"),
    };
}
