namespace CachetSync.Cachet;

/// <summary>One page of a Cachet list: its items, and whether more follow (2.x: the first page's page count; 3: a next link).</summary>
public sealed record ListPage<T>(IReadOnlyList<T>? Items, int? TotalPages, bool HasNext);

/// <summary>
/// Walks a paginated Cachet list to its end, both versions: ids seen twice are read once, a list that never ends or
/// that answers the same page again and again (a Cachet or proxy ignoring <c>?page=</c>) fails instead of looping.
/// </summary>
public static class PageWalk
{
    /// <summary>A guard against a Cachet whose pagination never ends: 10 000 pages of 1000 is ten million components.</summary>
    public const int MaxPages = 10_000;

    /// <summary>
    /// When the first page is smaller than asked yet more pages follow, something (Cachet, a proxy) ignores per_page:
    /// a list it serves one item a page would cost a request per component. This many pages are still read.
    /// </summary>
    public const int MaxPagesWhenPerPageIgnored = 100;

    /// <param name="maxPages">Stop quietly after this many pages (a bounded search), instead of reading to the end.</param>
    /// <param name="repeated">
    /// Told of every item whose id was read before (the first copy, then this one): overlapping pages repeat items
    /// as they were, but a list that gives one id twice with different content leaves the reader to decide which.
    /// </param>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T, TId>(
        string path, int perPage, Func<int, Task<ListPage<T>>> readPage, Func<T, TId> id, CancellationToken cancellationToken, int? maxPages = null,
        Action<T, T>? repeated = null)
        where TId : notnull
    {
        var items = new List<T>();
        var seen = new Dictionary<TId, T>();
        var (limit, firstPageCount, totalPages) = (MaxPages, 0, (int?)null);
        for (var page = 1; page <= (maxPages ?? int.MaxValue); page++)
        {
            var operation = $"GET {path} page {page}";
            if (page > limit)
            {
                throw TooManyPages(operation, limit, perPage, firstPageCount);
            }

            var answer = await CachetErrorTranslator.CallAsync(() => readPage(page), operation, cancellationToken);
            if (answer.Items is not { } pageItems)
            {
                throw new CachetException($"{operation}: Cachet answered JSON without \"data\"");
            }

            // Only the first page's count is trusted, so later pages cannot stretch the walk forever.
            if (page == 1)
            {
                (totalPages, firstPageCount) = (answer.TotalPages, pageItems.Count);
                limit = morePagesFollow(answer) && pageItems.Count < perPage ? MaxPagesWhenPerPageIgnored : MaxPages;
                if (totalPages > limit)
                {
                    throw TooManyPages(operation, limit, perPage, firstPageCount);
                }
            }

            if (pageItems.Count == 0)
            {
                break;
            }

            var before = items.Count;
            foreach (var item in pageItems)
            {
                var key = id(item);
                if (seen.TryGetValue(key, out var first))
                {
                    repeated?.Invoke(first, item);
                }
                else
                {
                    seen.Add(key, item);
                    items.Add(item);
                }
            }

            if (page > 1 && items.Count == before)
            {
                // A Cachet (or a proxy) that ignores ?page= answers page 1 again and again.
                throw new CachetException($"{operation}: Cachet answered only items already read; its pagination is broken");
            }

            if (totalPages is { } total ? page >= total : !answer.HasNext)
            {
                break;
            }
        }

        return items;

        static bool morePagesFollow(ListPage<T> first) => first.TotalPages is { } total ? total > 1 : first.HasNext;
    }

    private static CachetException TooManyPages(string operation, int limit, int perPage, int firstPageCount) =>
        new(limit == MaxPagesWhenPerPageIgnored
            ? $"{operation}: Cachet answers {firstPageCount} items a page though per_page={perPage} was asked, and more than {limit} pages; it (or a proxy) ignores per_page"
            : $"{operation}: more than {limit} pages; its pagination never ends");
}
