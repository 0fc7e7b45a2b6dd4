namespace CachetSync.Tests.Deploy;

/// <summary>
/// A <see cref="NativeFactAttribute"/> test that runs the native executable under libfaketime (its wall clock stepped
/// from outside while the monotonic clock runs on): reported skipped, with the reason, when the library is missing.
/// .ci/run installs it.
/// </summary>
public sealed class FaketimeFactAttribute : FactAttribute
{
    public const string Library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    public FaketimeFactAttribute()
    {
        if (!NativeFactAttribute.CanLink)
        {
            Skip = NativeFactAttribute.SkipReason;
        }
        else if (!File.Exists(Library))
        {
            Skip = $"no libfaketime ({Library}): apt-get install libfaketime enables this test";
        }
    }
}
