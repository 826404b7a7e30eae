using static TorchSharp.torch;

namespace LlmLab.Nn.Gpt;

/// <summary>
/// The GELU of ggml's CPU backend, which llama.cpp's gpt2 graph runs: ggml-cpu's <c>vec.h</c> defines <c>GGML_GELU_FP16</c>,
/// so <c>ggml_vec_gelu_f32</c> gives 0 for x ≤ −10, x for x ≥ 10, and otherwise looks the value up in a table of 65,536 fp16
/// entries indexed by fp16(x), each entry fp16 of the tanh-form GELU of that fp16 input. So y = fp16(gelu_tanh(fp16(x))):
/// both the input and the output are rounded to fp16 (about 3 significant digits), which no fp32 engine reproduces unless
/// it rounds the same way. Stateless and thread-safe.
/// </summary>
public static class Fp16GeluTable
{
    /// <summary>x (any shape) → ggml's table GELU of x, a new fp32 tensor.</summary>
    public static Tensor Apply(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        using var scope = NewDisposeScope();
        var xf = x.to(ScalarType.Float32);
        var half = xf.to(ScalarType.Float16).to(ScalarType.Float32);                           // the table's index, as fp32
        var table = nn.functional.gelu(half, TorchSharp.Modules.GELU.Approximate.tanh)
            .to(ScalarType.Float16).to(ScalarType.Float32);                                    // the entry, read back
        var y = where(xf.le(-10), zeros_like(xf), where(xf.ge(10), xf, table));
        return y.MoveToOuterDisposeScope();
    }
}
