using System.Runtime.InteropServices;

namespace CachetSync.Probing;

/// <summary>
/// The process's open-file limit, which every probe's socket counts against. Containers start with a soft limit of
/// 1024 (the JIT runtime raises it to the hard limit at start, a native executable does not), and 4096 probes in
/// flight against it would fail with EMFILE — on this machine, not on the servers.
/// </summary>
public static partial class OpenFileLimit
{
    /// <summary>Files and sockets kept for everything but probes: Cachet's connections, the report source, the state file, DNS.</summary>
    public const int Reserved = 32;

    private const int RlimitNofile = 7; // Linux, on x86-64 and arm64 alike

    /// <summary>Raises the soft limit to the hard limit, as the JIT runtime does; returns the soft limit now in force (null: not Linux).</summary>
    public static long? RaiseToHardLimit()
    {
        if (!OperatingSystem.IsLinux() || GetRLimit(RlimitNofile, out var limit) != 0)
        {
            return null;
        }

        if (limit.Current < limit.Maximum && SetRLimit(RlimitNofile, limit with { Current = limit.Maximum }) == 0)
        {
            limit = limit with { Current = limit.Maximum };
        }

        return (long)Math.Min(limit.Current, long.MaxValue);
    }

    /// <summary>How many probes may be in flight: the configured number, or what the open-file limit leaves for them.</summary>
    public static int ProbeBudget(int configured, long? softLimit, int openNow)
    {
        if (softLimit is not { } limit)
        {
            return configured;
        }

        return (int)Math.Clamp(limit - openNow - Reserved, 1, configured);
    }

    /// <summary>Descriptors open in this process now (Linux: /proc/self/fd); 0 where that cannot be seen.</summary>
    public static int OpenNow()
    {
        try
        {
            return OperatingSystem.IsLinux() ? Directory.GetFileSystemEntries("/proc/self/fd").Length : 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private record struct RLimit(ulong Current, ulong Maximum);

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetRLimit(int resource, in RLimit limit);
}
