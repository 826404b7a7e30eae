namespace LlmLab.Agents.Agent;

/// <summary>Why an agent run ended.</summary>
public enum AgentStopReason
{
    /// <summary>The model answered without asking for more tools.</summary>
    Answered,

    /// <summary>The model still asked for tools after the last allowed iteration.</summary>
    IterationLimit,

    /// <summary>The run reached its total number of tool calls.</summary>
    CallLimit,

    /// <summary>The run reached its wall time.</summary>
    WallTime,
}
