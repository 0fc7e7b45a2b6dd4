namespace CachetSync.Configuration;

/// <summary>One thing wrong with the configuration, named by its JSON path (e.g. <c>Servers[3].Url</c>).</summary>
public sealed record ConfigProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}
