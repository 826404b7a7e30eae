using LlmLab.Runtime;
using static TorchSharp.torch;
TorchRuntime.EnsureLoaded();
var a = randn(4, 4);
Console.WriteLine(a.matmul(a).sum().item<float>());
