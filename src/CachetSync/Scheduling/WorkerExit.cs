namespace CachetSync.Scheduling;

/// <summary>The worker process's exit code: that of the cycle a stop cut short, so the last summary and the process agree.</summary>
public sealed class WorkerExit
{
    public int Code { get; set; }
}
