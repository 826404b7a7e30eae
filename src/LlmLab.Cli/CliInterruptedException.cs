namespace LlmLab.Cli;

/// <summary>A command stopped by Ctrl-C (SIGINT); the message says what was kept and how to go on. Exit code 130
/// (128 + SIGINT, the shell's convention), printed as one line "interrupted: …" on stderr.</summary>
public sealed class CliInterruptedException(string message, Exception? inner = null) : Exception(message, inner);
