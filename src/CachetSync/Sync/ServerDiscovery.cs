using CachetSync.Cachet;
using CachetSync.Configuration;

namespace CachetSync.Sync;

/// <summary>
/// Turns <c>Servers</c> entries that name a component group into one server per enabled component of the group.
/// Explicitly configured servers win: a component one of them drives is not added again.
/// </summary>
public static class ServerDiscovery
{
    public static (IReadOnlyList<ServerSettings> Servers, IReadOnlyList<string> Problems) Expand(
        IReadOnlyList<ServerSettings> configured,
        IReadOnlyList<ServerTemplate> templates,
        IReadOnlyList<CachetComponent> components,
        IReadOnlyList<CachetGroup> groups)
    {
        var servers = configured.ToList();
        var problems = new List<string>();
        var names = configured.Select(server => server.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var driven = configured.Where(server => server.ComponentId is not null).Select(server => server.ComponentId!.Value).ToHashSet();
        foreach (var template in templates)
        {
            var group = groups.FirstOrDefault(candidate => string.Equals(candidate.Name, template.Group, StringComparison.Ordinal));
            if (group is null)
            {
                problems.Add($"{template.Path}: no component group named \"{template.Group}\" in Cachet");
                continue;
            }

            foreach (var component in components.Where(component => component.GroupId == group.Id && component.Enabled).OrderBy(component => component.Id))
            {
                var url = ServerTemplate.Fill(template.UrlTemplate, component.Name, component.Id);
                if (UrlText.Absolute(url, UrlText.Probed) is not { } uri)
                {
                    problems.Add($"{template.Path}: component \"{component.Name}\" (#{component.Id}) gives no valid URL (\"{url}\"); use {{slug}} or {{id}}");
                    continue;
                }

                if (!driven.Add(component.Id) || !names.Add(component.Name))
                {
                    continue;
                }

                servers.Add(new ServerSettings
                {
                    Name = component.Name, Url = uri, ComponentId = component.Id, Thresholds = template.Thresholds, VerifyTls = template.VerifyTls,
                    Enabled = template.Enabled, Probe = template.Probe,
                });
            }
        }

        return (servers, problems);
    }
}
