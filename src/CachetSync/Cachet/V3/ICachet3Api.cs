using Refit;

namespace CachetSync.Cachet.V3;

/// <summary>The Cachet 3 API (<c>/api</c>, JSON:API resources) as far as CachetSync uses it. Refit generates the client.</summary>
[Headers("Accept: application/json")]
public interface ICachet3Api
{
    [Get("/components")]
    Task<Cachet3List<Cachet3Component>> GetComponentsAsync(
        [AliasAs("per_page")] int perPage,
        int page,
        [AliasAs("include")] string include,
        CancellationToken cancellationToken);

    [Get("/component-groups")]
    Task<Cachet3List<Cachet3Group>> GetGroupsAsync([AliasAs("per_page")] int perPage, int page, CancellationToken cancellationToken);

    [Put("/components/{id}")]
    Task<Cachet3Item<Cachet3Component>> UpdateComponentAsync(int id, [Body] ComponentStatusUpdate update, CancellationToken cancellationToken);
}
