namespace CachetSync.Tests.Deploy;

/// <summary>
/// A test that needs the native (AOT) executable, which links with the system C toolchain (clang or gcc) and zlib:
/// without them it is reported skipped, with the reason and the command that enables it — never failed, never
/// silently passed. (.ci/run installs both, and with CI=true fails on such a skip.)
/// </summary>
public sealed class NativeFactAttribute : FactAttribute
{
    public const string SkipReason =
        "no C toolchain (clang or gcc on PATH) and zlib (zlib.h) for the native build: apt-get install gcc zlib1g-dev enables these tests";

    public NativeFactAttribute()
    {
        if (!CanLink)
        {
            Skip = SkipReason;
        }
    }

    public static bool CanLink => (OnPath("clang") || OnPath("gcc")) && File.Exists("/usr/include/zlib.h");

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}
