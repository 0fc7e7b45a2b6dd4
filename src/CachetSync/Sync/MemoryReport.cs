using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace CachetSync.Sync;

/// <summary>The Debug line each cycle ends with: where the process's memory went.</summary>
public static class MemoryReport
{
    /// <summary>Where this process's memory went, for whoever sizes its container (and for the benchmark).</summary>
    public static void Log(ILogger logger)
    {
        if (!logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        logger.LogDebug(
            "Memory: peak RSS {PeakMiB:0} MiB, now {RssMiB:0} MiB; GC heap {HeapMiB:0.0} MiB of {CommittedMiB:0.0} MiB committed; {AllocatedMiB:0} MiB allocated; collections gen0 {Gen0}, gen1 {Gen1}, gen2 {Gen2}",
            process.PeakWorkingSet64 / 1048576.0, process.WorkingSet64 / 1048576.0, gc.HeapSizeBytes / 1048576.0, gc.TotalCommittedBytes / 1048576.0,
            GC.GetTotalAllocatedBytes() / 1048576.0, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
    }
}
