using LlmLab.Cli;

namespace LlmLab.Tests;

/// <summary>Runs the <c>llmlab</c> command in process and captures its exit code, stdout and stderr.</summary>
internal static class CliRun
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}
