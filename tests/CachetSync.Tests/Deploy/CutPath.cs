using System.Globalization;

namespace CachetSync.Tests.Deploy;

/// <summary>
/// Two network namespaces this test makes and deletes: the fleet's (servers 10.77.0.1… on one veth end, each its own
/// address; the witness at 10.77.255.254) and the writer's (10.77.255.1 on the other end). The writer's path to part
/// of the fleet is cut with nft (its packets dropped on the way out), as a broken route upstream would. The servers
/// are TCP listeners with a deep backlog that never accept: the fleet's kernel completes every handshake, so no
/// process of the fleet can be too slow to answer. Nothing leaves these namespaces: they have no route out.
/// </summary>
public sealed class CutPath : IDisposable
{
    public const string WitnessAddress = "10.77.255.254";
    private static int _made;
    private readonly string _name = $"cs{Environment.ProcessId % 100000}{Interlocked.Increment(ref _made)}";

    /// <param name="listening">Servers 1 to this listen on port 8080; the rest up to <paramref name="servers"/> have nothing listening (really down).</param>
    public CutPath(int servers, int listening)
    {
        Servers = servers;
        var (fleet, writer) = (Fleet, Writer);
        const string chain = "{ type filter hook output priority 0; }";
        Shell($"""
            ip netns add {fleet} && ip netns add {writer}
            ip link add {_name}a type veth peer name {_name}b
            ip link set {_name}a netns {fleet} && ip link set {_name}b netns {writer}
            ip -n {fleet} link set lo up && ip -n {writer} link set lo up
            ip -n {fleet} link set {_name}a up && ip -n {writer} link set {_name}b up
            ip -n {fleet} addr add {WitnessAddress}/16 dev {_name}a
            for i in $(seq 1 {servers}); do ip -n {fleet} addr add 10.77.0.$i/16 dev {_name}a; done
            ip -n {writer} addr add 10.77.255.1/16 dev {_name}b
            ip netns exec {writer} nft add table inet cut
            ip netns exec {writer} nft add chain inet cut out '{chain}'
            """);
        var binds = string.Join(",", Enumerable.Range(1, listening).Select(i => $"'10.77.0.{i}'"));
        File.WriteAllText(_script, $"import socket, time\nheld = []\nfor address in [{binds}]:\n    s = socket.socket()\n    s.bind((address, 8080))\n    s.listen(4096)\n    held.append(s)\nprint('up', flush=True)\ntime.sleep(3600)\n");
        _listeners = PublishedApp.Start("ip", $"netns exec {fleet} python3 {_script}", Path.GetTempPath());
        _listeners.Process.StandardOutput.ReadLine().Should().Be("up", "the fleet's listeners are bound");
    }

    private readonly ChildProcess _listeners;
    private readonly string _script = Path.Combine(Path.GetTempPath(), $"cachetsync-fleet-{Guid.NewGuid():N}.py");

    public int Servers { get; }

    public string Fleet => _name + "f";

    public string Writer => _name + "w";

    public static string Url(int server) => $"tcp://10.77.0.{server.ToString(CultureInfo.InvariantCulture)}:8080";

    /// <summary>From now on the writer's packets to servers 1 to <paramref name="last"/> are dropped (none: 0).</summary>
    public void CutFirst(int last)
    {
        Shell($"ip netns exec {Writer} nft flush chain inet cut out");
        if (last > 0)
        {
            Shell($"ip netns exec {Writer} nft add rule inet cut out ip daddr 10.77.0.1-10.77.0.{last} drop");
        }
    }

    private static void Shell(string script)
    {
        var (exit, _, error) = PublishedApp.Run("bash", $"-ec \"{script.Replace("\"", "\\\"", StringComparison.Ordinal)}\"", Path.GetTempPath(), TimeSpan.FromMinutes(1));
        exit.Should().Be(0, $"{script}: {error}");
    }

    public void Dispose()
    {
        _listeners.Dispose();
        File.Delete(_script);
        PublishedApp.Run("bash", $"-c \"for n in {Fleet} {Writer}; do ip netns pids $n | xargs -r kill -9; ip netns del $n; done\"", Path.GetTempPath(), TimeSpan.FromMinutes(1));
    }
}
