namespace LlmLab.Labs.Framework;

/// <summary>A runnable lab. Labs are thin: they orchestrate library code, record checks and write the report.</summary>
public interface ILab
{
    LabInfo Info { get; }

    /// <summary>The lab's configuration for a profile: an immutable record whose properties are the --set keys.</summary>
    object DefaultConfig(Profile profile);

    /// <summary>Rejects a config the lab cannot run (a negative size, heads that do not divide the width, an unknown
    /// preset) with an <see cref="InputException"/> naming the <c>--set</c> key. Called before anything is written.</summary>
    void Validate(object config);

    /// <summary>
    /// Checks, without training or writing anything, what could stop the run or shrink it after it started: data sizes
    /// against what the corpus, task families or packages can give, context against the model, batch divisibility.
    /// Cheap (seconds). A hard problem is an <see cref="InputException"/> naming the <c>--set</c> key; a shortfall is
    /// recorded in <paramref name="plan"/>. Called after <see cref="Validate"/> on a valid config.
    /// </summary>
    void Plan(LabPlan plan, object config) { }

    /// <summary>Runs the lab. Measurements go to <paramref name="context"/>'s checks, report and metrics.</summary>
    void Run(LabContext context, object config);
}

/// <summary>Base class that gives a lab a typed configuration record.</summary>
public abstract class Lab<TConfig> : ILab where TConfig : class
{
    public LabInfo Info => LabCatalog.Get(Id);
    protected abstract string Id { get; }
    public abstract TConfig Defaults(Profile profile);
    public abstract void Run(LabContext context, TConfig config);

    /// <summary>Override to reject configs the lab cannot run; use <see cref="ConfigRules"/> for the messages.</summary>
    protected virtual void Validate(TConfig config) { }

    /// <summary>Override to check what the config asks of the inputs (see <see cref="ILab.Plan"/>).</summary>
    protected virtual void Plan(LabPlan plan, TConfig config) { }

    object ILab.DefaultConfig(Profile profile) => Defaults(profile);
    void ILab.Validate(object config) => Validate((TConfig)config);
    void ILab.Plan(LabPlan plan, object config) => Plan(plan, (TConfig)config);
    void ILab.Run(LabContext context, object config) => Run(context, (TConfig)config);
}
