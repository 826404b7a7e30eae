namespace LlmLab.Inference.Serving;

/// <summary>The scheduler's queue is full, or it is shutting down: try again later (HTTP 503).</summary>
public sealed class SchedulerOverloadedException(string message) : Exception(message);
