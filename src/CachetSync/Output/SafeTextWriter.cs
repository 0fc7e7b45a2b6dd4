using System.Text;

namespace CachetSync.Output;

/// <summary>
/// Wraps stdout or stderr: whatever is written loses known secrets (<see cref="Redaction"/>) and terminal control
/// characters (<see cref="TerminalText"/>), line breaks kept. Our own output is written a value or a line at a time,
/// so a secret never straddles two writes.
/// </summary>
public sealed class SafeTextWriter(TextWriter inner, Redaction secrets) : TextWriter
{
    public override Encoding Encoding => inner.Encoding;

    public override IFormatProvider FormatProvider => inner.FormatProvider;

    public override void Write(char value) => inner.Write(TerminalText.EscapeKeepingLines(value.ToString()));

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        if (value is not null)
        {
            inner.Write(Clean(value));
        }
    }

    public override void WriteLine(string? value) => inner.WriteLine(value is null ? null : Clean(value));

    public override Task WriteAsync(string? value) => value is null ? Task.CompletedTask : inner.WriteAsync(Clean(value));

    public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(value is null ? null : Clean(value));

    public override void Flush() => inner.Flush();

    public override Task FlushAsync() => inner.FlushAsync();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    /// <summary>Redacted before escaped: escaping could split a secret that contains a control character.</summary>
    private string Clean(string text) => TerminalText.EscapeKeepingLines(secrets.Apply(text));

    public override string ToString() => inner.ToString() ?? "";
}
