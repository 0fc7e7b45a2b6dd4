using System.Diagnostics;
using System.Text.RegularExpressions;
using CachetSync.Tests.Configuration;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The app published exactly as deploy/Dockerfile publishes it (its own `dotnet restore` and `dotnet publish` lines,
/// the output moved to a temp folder): the native executable the image ships, once for all tests that run it.
/// </summary>
public sealed partial class PublishedApp : IDisposable
{
    /// <summary>Every test class that runs the published app shares one publish: two at once would race in obj/.</summary>
    public const string Collection = "published app";

    private readonly Lazy<(string Directory, string Arguments)> _published = new(Publish);

    /// <summary>Published on first use: a collection whose tests are all skipped (no toolchain) publishes nothing.</summary>
    public string Directory => _published.Value.Directory;

    public string PublishArguments => _published.Value.Arguments;

    public string Executable => Path.Combine(Directory, "cachetsync");

    private static (string Directory, string Arguments) Publish()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("cachetsync-publish-").FullName;
        var root = SettingsReaderTests.RepositoryRoot();
        var dockerfile = File.ReadAllText(Path.Combine(root, "deploy", "Dockerfile"));
        var arguments = DockerfileArguments(dockerfile, "publish").Replace("-o /app", $"-o {directory}", StringComparison.Ordinal);
        foreach (var step in new[] { $"restore {DockerfileArguments(dockerfile, "restore")}", $"publish {arguments}" })
        {
            var (exitCode, output, _) = Run("dotnet", step, root, TimeSpan.FromMinutes(10));
            if (exitCode != 0)
            {
                throw new InvalidOperationException($"dotnet {step} failed:\n{output}");
            }
        }

        return (directory, arguments);
    }

    /// <summary>The arguments of the Dockerfile's <c>RUN dotnet {verb} …</c> line.</summary>
    public static string DockerfileArguments(string dockerfile, string verb) =>
        DotnetLine().Matches(dockerfile).FirstOrDefault(match => match.Groups["verb"].Value == verb) is { } match
            ? match.Groups["args"].Value.Trim()
            : throw new InvalidOperationException($"deploy/Dockerfile has no 'RUN dotnet {verb}' line");

    public static (int ExitCode, string Out, string Error) Run(
        string file, string arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = Start(file, arguments, workingDirectory, environment);
        var process = child.Process;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            // Disposing the child kills it.
            throw new TimeoutException($"{file} {arguments} did not finish within {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    public static ChildProcess Start(string file, string arguments, string workingDirectory, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}"));
    }

    public void Dispose()
    {
        if (_published.IsValueCreated)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    [GeneratedRegex(@"^RUN dotnet (?<verb>restore|publish) (?<args>.+)$", RegexOptions.Multiline)]
    private static partial Regex DotnetLine();
}

/// <summary>The one <see cref="PublishedApp"/> the test classes that run it share (and so run one after the other).</summary>
[CollectionDefinition(PublishedApp.Collection)]
public sealed class PublishedAppCollection : ICollectionFixture<PublishedApp>;
