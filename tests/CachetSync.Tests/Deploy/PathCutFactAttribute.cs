namespace CachetSync.Tests.Deploy;

/// <summary>
/// A <see cref="RootNativeFactAttribute"/> test that also cuts paths with nft and serves its fleet with python3:
/// reported skipped, with the command that enables it, where either is missing. CI installs both.
/// </summary>
public sealed class PathCutFactAttribute : FactAttribute
{
    public PathCutFactAttribute()
    {
        var root = new RootNativeFactAttribute();
        if (root.Skip is not null)
        {
            Skip = root.Skip;
        }
        else if (!OnPath("nft") || !OnPath("python3"))
        {
            Skip = "needs nft and python3: apt-get install nftables python3 enables these tests";
        }
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, command)));
}
