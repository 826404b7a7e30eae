using System.Security.Cryptography;
using System.Text;

namespace LlmLab.Server;

/// <summary>
/// The accepted API keys, kept only as SHA-256 hashes: a key presented by a client is hashed and compared with each
/// stored hash by <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the comparison's time nor a memory
/// dump gives the keys away (hashing first also makes every comparison the same length). Keys are identified in logs
/// and rate-limit partitions by <see cref="KeyId"/>, a short prefix of the hash, never by the key. Immutable and thread-safe.
/// </summary>
public sealed class ApiKeyStore
{
    /// <summary>The environment variable read by <see cref="FromEnvironment"/>: keys separated by commas.</summary>
    public const string EnvironmentVariable = "LLMLAB_API_KEYS";

    readonly byte[][] _hashes;

    ApiKeyStore(byte[][] hashes) => _hashes = hashes;

    /// <summary>Keys that are accepted; blank entries are ignored.</summary>
    /// <exception cref="InputException">A key shorter than 16 characters (too easy to guess).</exception>
    public static ApiKeyStore FromKeys(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var list = keys.Select(k => k.Trim()).Where(k => k.Length > 0).ToList();
        int i = 0;
        foreach (var k in list)
        {
            if (k.Length < 16) throw new InputException($"API key #{i + 1} has {k.Length} characters: use at least 16 random characters (e.g. `openssl rand -hex 24`)");
            i++;
        }
        var hashes = list.Distinct(StringComparer.Ordinal).Select(Hash).ToArray();
        // The key id scopes rate limits and the response cache: two keys with one id would share a cache.
        if (hashes.GroupBy(KeyId).FirstOrDefault(g => g.Count() > 1) is { } clash)
            throw new InputException($"two API keys share the id {clash.Key} (the first 8 hex digits of their SHA-256): replace one of them");
        return new ApiKeyStore(hashes);
    }

    /// <summary>Keys from <c>LLMLAB_API_KEYS</c> (comma-separated), or null when it is unset or empty.</summary>
    public static ApiKeyStore? FromEnvironment()
    {
        string? value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? null : FromKeys(value.Split(','));
    }

    /// <summary>Number of accepted keys.</summary>
    public int Count => _hashes.Length;

    /// <summary>True when <paramref name="presented"/> is one of the keys; its <see cref="KeyId"/> in <paramref name="keyId"/>.</summary>
    public bool Verify(string? presented, out string? keyId)
    {
        keyId = null;
        if (string.IsNullOrEmpty(presented)) return false;
        var hash = Hash(presented);
        bool found = false;
        foreach (var h in _hashes) found |= CryptographicOperations.FixedTimeEquals(h, hash); // every key is compared: no early exit
        if (found) keyId = KeyId(hash);
        return found;
    }

    /// <summary>"key-" and the first 8 hex digits of the key's SHA-256: names a key in logs without revealing it.</summary>
    public static string KeyId(string key) => KeyId(Hash(key));

    static string KeyId(byte[] hash) => "key-" + Convert.ToHexStringLower(hash.AsSpan(0, 4));

    static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
