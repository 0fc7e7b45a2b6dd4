namespace CachetSync.Tests.Deploy;

/// <summary>
/// A <see cref="NativeFactAttribute"/> test that also needs root (to make a network namespace with <c>unshare</c>):
/// reported skipped, with the reason, when not root.
/// </summary>
public sealed class RootNativeFactAttribute : FactAttribute
{
    public RootNativeFactAttribute()
    {
        if (!NativeFactAttribute.CanLink)
        {
            Skip = NativeFactAttribute.SkipReason;
        }
        else if (Environment.UserName != "root")
        {
            Skip = "needs root (unshare --net, sysctl in the new namespace); CI runs as root";
        }
    }
}
