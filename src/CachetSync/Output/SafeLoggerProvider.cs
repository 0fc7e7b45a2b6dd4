using Microsoft.Extensions.Logging;

namespace CachetSync.Output;

/// <summary>
/// Wraps a logger provider (console, JSON console, a test's capture) so that every log entry reaches it cleaned:
/// each argument value escaped (<see cref="TerminalText.Escape"/>, so a name with a newline cannot forge a log line)
/// and every secret masked, in the message, in the structured values a JSON formatter writes, and in exceptions.
/// </summary>
public sealed class SafeLoggerProvider(ILoggerProvider inner, Redaction secrets) : ILoggerProvider, ISupportExternalScope
{
    public ILogger CreateLogger(string categoryName) => new SafeLogger(inner.CreateLogger(categoryName), secrets);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider)
    {
        if (inner is ISupportExternalScope scoped)
        {
            scoped.SetScopeProvider(scopeProvider);
        }
    }

    public void Dispose() => inner.Dispose();

    private sealed class SafeLogger(ILogger inner, Redaction secrets) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            // Our templates are single lines: any control character in the message came with a value, and is escaped.
            var message = TerminalText.Escape(secrets.Apply(formatter(state, exception)));
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.Select(pair => KeyValuePair.Create(pair.Key, pair.Key == "{OriginalFormat}" ? pair.Value : Clean(pair.Value))).ToList()
                : [];
            inner.Log(logLevel, eventId, new SafeLogState(message, values), exception is null ? null : new RedactedException(exception, secrets), (entry, _) => entry.Message);
        }

        private object? Clean(object? value) => value switch
        {
            null => null,
            string text => TerminalText.Escape(secrets.Apply(text)),
            bool or int or long or double or decimal or float or short or byte or uint or ulong or DateTime or DateTimeOffset or TimeSpan or Enum => value,
            _ => TerminalText.Escape(secrets.Apply(value.ToString() ?? "")),
        };
    }

    /// <summary>The cleaned entry: formatters read the message and, for JSON, the values.</summary>
    private sealed class SafeLogState(string message, List<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message => message;

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index] => values[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => message;
    }

    /// <summary>An exception as printed (message, type, stack) with secrets masked.</summary>
    private sealed class RedactedException(Exception original, Redaction secrets) : Exception(secrets.Apply(original.Message))
    {
        public override string ToString() => secrets.Apply(original.ToString());
    }
}
