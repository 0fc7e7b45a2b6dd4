using Microsoft.Extensions.Logging;

namespace CachetSync.State;

/// <summary>
/// An exclusive lock beside the state file (<c>STATE.lock</c>), held from the first cycle to the end of the process:
/// two runs sharing a volume (a worker and a manual --once, two overlapping jobs) would otherwise read the same
/// state and overwrite each other's counts. An OS file lock, so a crashed holder releases it.
/// </summary>
public sealed class StateLock(string statePath, ILogger logger) : IDisposable
{
    /// <summary>How long a run waits for another to finish its cycle before it gives up on this one.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(2);

    private FileStream? _held;

    public string Path { get; } = statePath + ".lock";

    /// <returns>
    /// Null when held, or when no lock can be taken here at all (an unwritable folder: then the state cannot be saved
    /// either, which is a warning, not a failure); else why the cycle must not write, for the summary.
    /// </returns>
    public async Task<string?> AcquireAsync(CancellationToken cancellationToken)
    {
        if (_held is not null)
        {
            return null;
        }

        // Measured on the monotonic clock: a wall clock stepped back while waiting must not stretch the wait.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
                // FileShare.None takes flock(LOCK_EX) on Unix: another process (or another open here) is refused.
                _held = new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                return null;
            }
            catch (IOException) when (File.Exists(Path) && waiting.Elapsed < Wait && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
            }
            catch (IOException) when (File.Exists(Path))
            {
                return $"not written: the state file is locked by another CachetSync run ({Path})";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("State lock {Path} cannot be taken ({Reason}); going on without it", Path, ex.Message);
                return null;
            }
        }
    }

    public void Dispose() => _held?.Dispose();
}
