using LlmLab;
using LlmLab.Cli;

return CliApp.Run(args, Console.Out, Console.Error);
