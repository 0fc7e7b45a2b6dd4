using System.Diagnostics;
using System.Text.RegularExpressions;
using CachetSync.Tests.Configuration;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The app published exactly as deploy/Dockerfile publishes it (its own `dotnet publish` line, with the output
/// moved to a temp folder), once for all tests that run it as a real process.
/// </summary>
public sealed partial class PublishedApp : IDisposable
{
    public PublishedApp()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("cachetsync-publish-").FullName;
        var root = SettingsReaderTests.RepositoryRoot();
        PublishArguments = DockerfilePublishArguments(File.ReadAllText(Path.Combine(root, "deploy", "Dockerfile")))
            .Replace("-o /app", $"-o {Directory}", StringComparison.Ordinal);
        var (exitCode, output, _) = Run("dotnet", $"publish {PublishArguments}", root, TimeSpan.FromMinutes(5));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {PublishArguments} failed:\n{output}");
        }
    }

    public string Directory { get; }

    public string PublishArguments { get; }

    public string Executable => Path.Combine(Directory, "cachetsync");

    public static string DockerfilePublishArguments(string dockerfile) =>
        PublishLine().Match(dockerfile) is { Success: true } match
            ? match.Groups["args"].Value.Trim()
            : throw new InvalidOperationException("deploy/Dockerfile has no 'RUN dotnet publish' line");

    public static (int ExitCode, string Out, string Error) Run(string file, string arguments, string workingDirectory, TimeSpan timeout)
    {
        using var process = Start(file, arguments, workingDirectory);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    public static Process Start(string file, string arguments, string workingDirectory) =>
        Process.Start(new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException($"could not start {file}");

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    [GeneratedRegex(@"^RUN dotnet publish (?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex PublishLine();
}
