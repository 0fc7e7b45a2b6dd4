using System.Text.Json.Nodes;
using CachetSync.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// The state file on a full disk, for real: the native executable in a mount namespace of its own, its state folder a
/// small tmpfs filled to the last block. Creating an empty file still works there; writing one byte does not. A state
/// that cannot be saved must fail the run, and the start-up check must see it before anything is sent.
/// </summary>
[Collection(PublishedApp.Collection)]
public sealed class FullDiskTests(PublishedApp app) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("cachetsync-full-").FullName;
    private readonly CachetStub _cachet = new();

    private string StateDirectory => Path.Combine(_work, "state");

    private (int ExitCode, string Out, string Error) RunOnFullDisk(JsonObject? damping)
    {
        using var targets = Loopback.StartWireMock();
        targets.Given(Request.Create().WithPath("/down")).RespondWith(Response.Create().WithStatusCode(503));
        _cachet.WithComponent(1, "edge-1", 1).ServeComponents().AcceptStatusWrites();
        Directory.CreateDirectory(StateDirectory);
        var config = new JsonObject
        {
            ["Cachet"] = new JsonObject { ["BaseUrl"] = _cachet.BaseUrl, ["ApiToken"] = CachetStub.Token },
            ["State"] = new JsonObject { ["Path"] = Path.Combine(StateDirectory, "state.json") },
            ["Servers"] = new JsonArray(new JsonObject { ["Name"] = "edge-1", ["Url"] = targets.Urls[0] + "/down", ["ComponentId"] = 1 }),
        };
        if (damping is not null)
        {
            config["Damping"] = damping;
        }

        var file = Path.Combine(_work, "appsettings.json");
        File.WriteAllText(file, config.ToJsonString());
        // The tmpfs exists only in the child's mount namespace: nothing outside sees it, nothing is left mounted.
        var fill = $"mount -t tmpfs -o size=64k tmpfs {StateDirectory} && (dd if=/dev/zero of={StateDirectory}/filler bs=4k 2>/dev/null; true)";
        return PublishedApp.Run("unshare", $"--mount --propagation private sh -c \"{fill} && exec {app.Executable} --config {file} --once\"", _work, TimeSpan.FromMinutes(2));
    }

    [RootNativeFact]
    public void A_state_that_cannot_be_saved_fails_the_run_naming_the_file_and_the_reason()
    {
        var (exitCode, output, error) = RunOnFullDisk(damping: null);

        exitCode.Should().Be(2, output + error);
        _cachet.Puts().Should().Equal((1, """{"status":4}"""));
        output.Should().MatchRegex($@"State not saved: state file {Path.Combine(StateDirectory, "state.json")} could not be written \(No space left on device");
    }

    [RootNativeFact]
    public void With_once_and_damping_the_start_up_check_finds_the_full_disk_before_anything_is_sent()
    {
        var (exitCode, output, error) = RunOnFullDisk(new JsonObject { ["ToBetter"] = 2 });

        exitCode.Should().Be(1, output + error);
        (output + error).Should().Contain($"State.Path: \"{Path.Combine(StateDirectory, "state.json")}\" cannot be written (No space left on device");
        _cachet.RequestCount.Should().Be(0, "nothing is contacted before the configuration is valid");
    }

    public void Dispose()
    {
        _cachet.Dispose();
        Directory.Delete(_work, recursive: true);
    }
}
