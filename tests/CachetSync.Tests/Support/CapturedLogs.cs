using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CachetSync.Tests.Support;

/// <summary>Keeps every log line (with exception text) a run produces, at every level, so tests can read them all.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToList();

    public string All => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category}: {formatter(state, exception)}";
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                line += " {" + string.Join(", ", properties.Select(p => $"{p.Key}={p.Value}")) + "}";
            }

            lines.Enqueue(exception is null ? line : $"{line}\n{exception}");
        }
    }
}
