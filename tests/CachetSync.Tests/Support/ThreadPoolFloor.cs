using System.Runtime.CompilerServices;

namespace CachetSync.Tests.Support;

internal static class ThreadPoolFloor
{
    /// <summary>
    /// WireMock starts Kestrel synchronously in test constructors; with test classes running in parallel on a
    /// 2-core machine those blocked threads starve the pool, and a socket server's accept loop then waits so long
    /// that a 500 ms probe sees a timeout instead of the fault under test. A higher floor keeps timing honest.
    /// </summary>
    [ModuleInitializer]
    internal static void Raise()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
