using System.Globalization;
using LlmLab.Planning;

namespace LlmLab.Cli.Commands;

/// <summary>
/// <c>llmlab estimate</c>: GPU memory to serve or train a model (preset or config.json), component by component
/// in bytes, GB and GiB, and which GPUs of the catalogue hold it.
/// </summary>
public sealed class EstimateCommand : CliCommand
{
    public override string Name => "estimate";
    public override string Summary => "estimate GPU memory to serve or train a model (weights, KV cache, activations, Adam, ZeRO) and which GPUs fit";
    public override string Usage =>
        "--model <preset|path/config.json> [--dtype bf16] [--seq 2048 (or the model's context if shorter)] [--batch 1] [--kv-dtype fp16] [--overhead-mib 512] " +
        "[--train [--zero 0|1|2|3] [--gpus 1] [--checkpointing]]   (presets: " + string.Join(", ", ModelPresets.Names) + ")";
    public override IReadOnlySet<string> Options =>
        new HashSet<string> { "model", "dtype", "seq", "batch", "kv-dtype", "zero", "gpus", "overhead-mib" };
    public override IReadOnlySet<string> Flags => new HashSet<string> { "train", "checkpointing" };

    public override int Execute(CliArgs args, TextWriter @out)
    {
        args.ExpectPositionals(0, this, "no argument");
        string modelArg = args.Get("model") ?? throw new UsageException("--model is required", this);
        bool train = args.Flag("train");
        if (!train && (args.Get("zero") != null || args.Get("gpus") != null || args.Flag("checkpointing")))
            throw new UsageException("--zero, --gpus and --checkpointing apply to training: add --train", this);
        if (train && args.Get("kv-dtype") != null)
            throw new UsageException("--kv-dtype applies to inference only (training keeps no KV cache)", this);

        Dtype dtype = DtypeInfo.Parse(args.Get("dtype") ?? "bf16");
        int seqArg = args.GetInt("seq", 0, min: 1);
        int batch = args.GetInt("batch", 1, min: 1);
        long overhead = (long)args.GetInt("overhead-mib", (int)(MemoryEstimator.DefaultOverheadBytes >> 20), min: 0) << 20;
        ModelSpec model = ModelPresets.Resolve(modelArg);
        // Default: 2,048 tokens, or the model's whole context when shorter (GPT-2: 1,024).
        int seq = seqArg > 0 ? seqArg : Math.Min(2048, model.MaxPositionEmbeddings);

        MemoryEstimate e;
        string setting;
        if (train)
        {
            var zero = (ZeroStage)args.GetInt("zero", 0, min: 0, max: 3);
            int gpus = args.GetInt("gpus", 1, min: 1);
            bool ckpt = args.Flag("checkpointing");
            e = MemoryEstimator.Training(model, new TrainingMemoryOptions(dtype, batch, seq, zero, gpus, ckpt, OverheadBytes: overhead));
            setting = $"training with Adam, {DtypeInfo.Name(dtype)}{(dtype == Dtype.Fp32 ? "" : " mixed precision")}, " +
                      $"micro-batch {batch} × {seq} tokens per GPU, ZeRO stage {(int)zero} over {gpus} GPU{(gpus == 1 ? "" : "s")}, " +
                      $"activation checkpointing {(ckpt ? "on" : "off")}";
        }
        else
        {
            Dtype? kv = args.Get("kv-dtype") is { } k ? DtypeInfo.Parse(k) : null;
            e = MemoryEstimator.Inference(model, new InferenceMemoryOptions(dtype, kv, batch, seq, OverheadBytes: overhead));
            double perToken = MemoryEstimator.KvCacheBytesPerToken(model, kv ?? (DtypeInfo.IsFloat(dtype) ? dtype : Dtype.Fp16));
            setting = $"inference, weights {DtypeInfo.Name(dtype)}, batch {batch} × {seq} tokens, " +
                      $"KV cache {perToken.ToString("N0", CultureInfo.InvariantCulture)} B/token";
        }

        @out.WriteLine($"model {model.Name}: {ByteSize.FormatBytes(model.ParameterCount)} parameters" +
                       (model.ActiveParameterCount != model.ParameterCount ? $" ({ByteSize.FormatBytes(model.ActiveParameterCount)} active per token)" : ""));
        @out.WriteLine(setting);
        @out.WriteLine();
        @out.WriteLine($"{"component",-30} {"bytes",20} {"GB (1e9)",10} {"GiB (2^30)",11}");
        foreach (var c in e.Components.Append(new MemoryComponent(train ? "total per GPU" : "total", e.TotalBytes)))
            @out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{c.Name,-30} {ByteSize.FormatBytes(c.Bytes),20} {ByteSize.Gb(c.Bytes),10:0.00} {ByteSize.Gib(c.Bytes),11:0.00}"));
        if (train)
            @out.WriteLine($"(HF accelerate's convention for Adam, 4 × the model at {DtypeInfo.Name(dtype)}: " +
                           $"{ByteSize.Format(MemoryEstimator.AccelerateAdamConvention(model, dtype))}, model states unsharded, no activations)");
        @out.WriteLine();
        @out.WriteLine("GPUs:");
        foreach (var f in e.CheckFit())
            @out.WriteLine(f.Fits
                ? $"  fits     {f.Gpu.Name,-15} {ByteSize.FormatGib(f.Gpu.MemoryBytes),11}  {ByteSize.Format(f.HeadroomBytes)} to spare"
                : $"  no       {f.Gpu.Name,-15} {ByteSize.FormatGib(f.Gpu.MemoryBytes),11}  short by {ByteSize.Format(-f.HeadroomBytes)}");
        return 0;
    }
}
