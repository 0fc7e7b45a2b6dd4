namespace CachetSync.Configuration;

/// <summary>One thing wrong with the configuration, named by its JSON path (e.g. <c>Servers[3].Url</c>).</summary>
public sealed record ConfigProblem(string Path, string Message)
{
    /// <summary>A problem quotes the value it refuses: a 15 MB URL must not become 15 MB of stderr.</summary>
    public const int MaxLength = 500;

    public override string ToString() => Clipped($"{Path}: {Message}");

    private static string Clipped(string text) =>
        text.Length <= MaxLength ? text : $"{text[..MaxLength]}… ({text.Length - MaxLength} more characters)";
}
