namespace CachetSync.Cachet;

// Cachet wraps every answer in {"data": …}; lists add {"meta": {"pagination": …}}.
// Kept together: they are one wire shape, and each is a line.

/// <summary>A single resource: <c>{"data": {…}}</c>.</summary>
public sealed record CachetItem<T>(T? Data);

/// <summary>One page of a list: <c>{"meta": {"pagination": …}, "data": […]}</c>.</summary>
public sealed record CachetPage<T>(CachetMeta? Meta, IReadOnlyList<T>? Data);

public sealed record CachetMeta(CachetPagination? Pagination);

public sealed record CachetPagination(int Total, int Count, int PerPage, int CurrentPage, int TotalPages);

/// <summary>The body of a status write: only the status, so nothing else on the component changes.</summary>
public sealed record ComponentStatusUpdate(int Status);
