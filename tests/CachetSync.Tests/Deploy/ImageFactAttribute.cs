namespace CachetSync.Tests.Deploy;

/// <summary>
/// A test of the container image that deploy/Dockerfile builds: without one it is reported skipped with the command
/// that builds it — never failed, never silently passed. (.ci/run builds it, and with CI=true fails on such a skip.)
/// </summary>
public sealed class ImageFactAttribute : FactAttribute
{
    public const string SkipReason =
        "no image to run (TEST_CACHETSYNC_IMAGE unset): `bash .ci/build-image && source .ci/image.env` builds deploy/Dockerfile with podman and enables these tests";

    public ImageFactAttribute()
    {
        if (ContainerImage.Name is null)
        {
            Skip = SkipReason;
        }
    }
}
