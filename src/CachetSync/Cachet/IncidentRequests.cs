namespace CachetSync.Cachet;

// Request bodies of the incident calls; one wire shape each, kept together.

/// <summary>
/// POST /incidents. On Cachet 2.4 <c>component_id</c> with <c>component_status</c> also sets the component's
/// status: one call opens the incident and marks the outage.
/// </summary>
public sealed record NewIncident(string Name, string Message, int Status, int Visible, int ComponentId, int ComponentStatus, bool Notify);

/// <summary>POST /incidents/{id}/updates: a new status (4 = Fixed) and what to say.</summary>
public sealed record NewIncidentUpdate(int Status, string Message);
