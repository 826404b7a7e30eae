using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace LlmLab.Server;

/// <summary>
/// The exact response cache's store on Redis (<c>--cache-redis HOST:PORT</c>): .NET's <see cref="RedisCache"/> over one
/// StackExchange.Redis connection made at start-up, so a wrong address fails the command at once (exit 2) rather than
/// every request later. Entries live under the prefix <c>llmlab:</c> with Redis' own expiry (the TTL).
/// </summary>
public static class RedisResponseStore
{
    /// <summary>Connects to <paramref name="hostPort"/>; dispose the returned connection after the server.</summary>
    /// <exception cref="InputException">Not HOST:PORT, or nothing answers there.</exception>
    public static (IDistributedCache Store, IDisposable Connection) Connect(string hostPort)
    {
        int colon = hostPort.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(hostPort.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            throw new InputException($"--cache-redis '{hostPort}' is not HOST:PORT (e.g. 127.0.0.1:6379)");
        ConnectionMultiplexer mux;
        try
        {
            mux = ConnectionMultiplexer.Connect(new ConfigurationOptions
            {
                EndPoints = { hostPort }, AbortOnConnectFail = true, ConnectTimeout = 3000, ConnectRetry = 1,
            });
        }
        catch (RedisConnectionException e)
        {
            throw new InputException($"--cache-redis {hostPort}: no Redis server answers there ({e.Message.Split('\n')[0]}): start redis-server or fix the address");
        }
        var cache = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions
        {
            InstanceName = "llmlab:", ConnectionMultiplexerFactory = () => Task.FromResult<IConnectionMultiplexer>(mux),
        }));
        return (cache, mux);
    }
}
