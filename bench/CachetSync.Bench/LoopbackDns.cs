using System.Diagnostics;

namespace CachetSync.Bench;

/// <summary>
/// A dnsmasq on 127.0.0.1:53 answering every name under <see cref="Domain"/> with 127.0.0.1, and a way to run a
/// process that resolves through it: its own mount namespace with a resolv.conf naming only this server, so the
/// machine's resolver is never touched. The app then resolves as in production: getaddrinfo, a UDP query per name.
/// Needs root (unshare, mount) and dnsmasq (Debian: dnsmasq-base).
/// </summary>
public sealed class LoopbackDns : IDisposable
{
    public const string Domain = "farm.test";

    private readonly Process _dnsmasq;

    private LoopbackDns(Process dnsmasq, string resolvConf)
    {
        _dnsmasq = dnsmasq;
        ResolvConf = resolvConf;
    }

    public string ResolvConf { get; }

    /// <param name="ownAddresses">With this many servers, name i answers server i's own address (<see cref="Scenario.OwnAddress"/>), not 127.0.0.1.</param>
    public static LoopbackDns Start(string workDirectory, int ownAddresses = 0)
    {
        var resolvConf = Path.Combine(workDirectory, "resolv.conf");
        File.WriteAllText(resolvConf, "nameserver 127.0.0.1\n");
        var hosts = Path.Combine(workDirectory, "farm.hosts");
        File.WriteAllLines(hosts, Enumerable.Range(0, ownAddresses).Select(i => $"{Scenario.OwnAddress(i)} s{i}.{Domain}"));
        var start = new ProcessStartInfo("dnsmasq",
        [
            "--keep-in-foreground", "--no-resolv", "--no-hosts", "--bind-interfaces", "--listen-address=127.0.0.1", "--port=53",
            // Answers A with 127.0.0.1 and AAAA with no data, as a v4-only fleet's DNS does; no upstream is ever asked.
            // A name in the hosts file is answered from it; the rest of the domain with 127.0.0.1.
            $"--addn-hosts={hosts}", $"--address=/{Domain}/127.0.0.1", "--local-ttl=60", "--cache-size=10000",
        ]) { RedirectStandardError = true };
        Process dnsmasq;
        try
        {
            dnsmasq = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException("the dns scenarios need dnsmasq (apt-get install dnsmasq-base) and root");
        }

        Thread.Sleep(300);
        if (dnsmasq.HasExited)
        {
            throw new InvalidOperationException($"dnsmasq did not start: {dnsmasq.StandardError.ReadToEnd()}");
        }

        return new LoopbackDns(dnsmasq, resolvConf);
    }

    /// <summary>The command line that runs <paramref name="command"/> resolving names through this server only.</summary>
    public IReadOnlyList<string> Wrap(IReadOnlyList<string> command) =>
        ["unshare", "--mount", "sh", "-c", "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", ResolvConf, .. command];

    public void Dispose()
    {
        _dnsmasq.Kill();
        _dnsmasq.WaitForExit();
        _dnsmasq.Dispose();
    }
}
