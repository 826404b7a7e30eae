using Microsoft.Extensions.Logging;

namespace LlmLab.Server;

/// <summary>Log set-ups for hosts of <see cref="LlmLabServer"/>. Stateless.</summary>
public static class ServerLogging
{
    /// <summary>One JSON object per line on stdout, with scopes (the request id) and UTC timestamps: what a log
    /// shipper (Loki, Elasticsearch, CloudWatch) parses without a pattern.</summary>
    public static void JsonConsole(ILoggingBuilder b) => b.AddJsonConsole(o =>
    {
        o.IncludeScopes = true;
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    });
}
