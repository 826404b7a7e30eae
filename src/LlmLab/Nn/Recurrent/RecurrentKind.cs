namespace LlmLab.Nn.Recurrent;

/// <summary>The recurrent core of a <see cref="RecurrentLanguageModel"/>.</summary>
public enum RecurrentKind
{
    /// <summary>Elman RNN, h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (libtorch's nn.RNN): 1 gate block.</summary>
    Rnn,
    /// <summary>Gated recurrent unit (Cho et al. 2014; libtorch's nn.GRU): 3 gate blocks.</summary>
    Gru,
    /// <summary>Long short-term memory (libtorch's fused nn.LSTM): 4 gate blocks.</summary>
    Lstm,
    /// <summary>The same LSTM from the gate equations (<see cref="ScratchLstm"/>): same parameters, slower.</summary>
    ScratchLstm,
}

/// <summary>Names of <see cref="RecurrentKind"/> as configs spell them.</summary>
public static class RecurrentKinds
{
    /// <summary>The accepted names, for messages.</summary>
    public const string Names = "rnn, gru, lstm or scratch-lstm";

    /// <summary>"rnn", "gru", "lstm", "scratch-lstm" (case-insensitive).</summary>
    /// <exception cref="InputException">Another name; <paramref name="key"/> names the setting in the message.</exception>
    public static RecurrentKind Parse(string name, string key = "model") => name.Trim().ToLowerInvariant() switch
    {
        "rnn" => RecurrentKind.Rnn,
        "gru" => RecurrentKind.Gru,
        "lstm" => RecurrentKind.Lstm,
        "scratch-lstm" or "scratch_lstm" => RecurrentKind.ScratchLstm,
        _ => throw new InputException($"{key} must be {Names} (got '{name}')"),
    };

    /// <summary>The config name of <paramref name="kind"/>.</summary>
    public static string Name(this RecurrentKind kind) => kind switch
    {
        RecurrentKind.Rnn => "rnn",
        RecurrentKind.Gru => "gru",
        RecurrentKind.Lstm => "lstm",
        _ => "scratch-lstm",
    };

    /// <summary>Blocks of H rows in the recurrent weights: 1 (RNN), 3 (GRU: reset, update, new), 4 (LSTM: i, f, g, o).</summary>
    public static int GateBlocks(this RecurrentKind kind) => kind switch
    {
        RecurrentKind.Rnn => 1,
        RecurrentKind.Gru => 3,
        _ => 4,
    };
}
