using System.Collections.Concurrent;

namespace CachetSync;

/// <summary>
/// Reads a whole file within a size cap and a time limit. Every file CachetSync reads (configuration, state, report
/// export) may turn out to be <c>/dev/zero</c>, a 300 MB mistake or a FIFO nobody writes to.
/// </summary>
/// <remarks>
/// Opening a FIFO blocks inside the kernel until a writer comes, and no cancellation reaches a blocked open(): the
/// read runs on a thread of its own and is given up on after the timeout. So that a worker does not pile up such
/// threads, a path whose last read is still blocked is not read again until it returns.
/// </remarks>
public static class BoundedFile
{
    private static readonly ConcurrentDictionary<string, Task<byte[]>> Blocked = new(StringComparer.Ordinal);

    /// <exception cref="IOException">The file cannot be read, or is larger than <paramref name="maxBytes"/>.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="TimeoutException">The file gave no end within <paramref name="timeout"/>.</exception>
    public static async Task<byte[]> ReadAllBytesAsync(string path, int maxBytes, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        if (Blocked.TryGetValue(fullPath, out var earlier) && !earlier.IsCompleted)
        {
            throw new TimeoutException("an earlier read of it has still not returned (a FIFO or device nobody writes to?)");
        }

        var read = Task.Factory.StartNew(() => Read(fullPath, maxBytes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await read.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Blocked[fullPath] = read;
            throw new TimeoutException($"it gave no end within {timeout.TotalSeconds:0.###} s (a FIFO or device nobody writes to?)");
        }
    }

    /// <inheritdoc cref="ReadAllBytesAsync"/>
    public static byte[] ReadAllBytes(string path, int maxBytes, TimeSpan timeout) =>
        ReadAllBytesAsync(path, maxBytes, timeout, CancellationToken.None).GetAwaiter().GetResult();

    private static byte[] Read(string path, int maxBytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        using var content = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int count;
        while ((count = file.Read(chunk)) > 0)
        {
            if (content.Length + count > maxBytes)
            {
                throw new IOException($"it is larger than {maxBytes / (1024 * 1024)} MiB");
            }

            content.Write(chunk, 0, count);
        }

        return content.ToArray();
    }
}
