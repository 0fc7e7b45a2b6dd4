using System.Collections.Concurrent;

namespace CachetSync.Bench;

/// <summary>
/// One thread that runs every continuation posted to it, the way an asyncio event loop does: code started on it
/// (and every <c>await</c> in that code) never runs anywhere else, so a farm built on it has one core's worth of CPU.
/// </summary>
public sealed class SingleThreadLoop : SynchronizationContext, IDisposable
{
    private readonly BlockingCollection<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly Thread _thread;

    public SingleThreadLoop(string name)
    {
        _thread = new Thread(Run) { IsBackground = true, Name = name };
        _thread.Start();
    }

    public override void Post(SendOrPostCallback d, object? state)
    {
        try
        {
            _queue.Add((d, state));
        }
        catch (InvalidOperationException)
        {
            // The loop is stopping: what is still posted (a cancelled read, a closed socket) has nothing left to do.
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("the loop only takes posted work");

    /// <summary>Starts <paramref name="work"/> on the loop thread.</summary>
    public void Start(Func<Task> work) => Post(_ => _ = work(), null);

    private void Run()
    {
        SetSynchronizationContext(this);
        foreach (var (callback, state) in _queue.GetConsumingEnumerable())
        {
            callback(state);
        }
    }

    public void Dispose()
    {
        _queue.CompleteAdding();
        // Not disposed: sockets closing after the farm still post their last continuations, which Post drops.
        _thread.Join(TimeSpan.FromSeconds(5));
    }
}
