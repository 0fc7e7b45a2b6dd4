namespace CachetSync.Tests.Support;

/// <summary>Waits for something another thread or process makes true; fails loudly instead of hanging.</summary>
public static class Eventually
{
    public static async Task Until(Func<bool> condition, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"gave up waiting for {what}");
            }

            await Task.Delay(10);
        }
    }
}
