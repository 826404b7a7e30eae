namespace LlmLab;

/// <summary>
/// Bad input from a person: a missing file, a malformed field, an out-of-range option. The message names the
/// file or field and the fix, and is shown as is (the CLI prints it on one line and exits with code 2).
/// </summary>
public sealed class InputException : Exception
{
    public InputException(string message) : base(message) { }
    public InputException(string message, Exception inner) : base(message, inner) { }
}
