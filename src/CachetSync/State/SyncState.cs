namespace CachetSync.State;

/// <summary>The memory of every component CachetSync drives, by Cachet component id.</summary>
public sealed class SyncState
{
    private readonly Dictionary<int, ComponentMemory> _components;

    public SyncState(IDictionary<int, ComponentMemory>? components = null)
    {
        _components = components is null ? [] : new Dictionary<int, ComponentMemory>(components);
    }

    public IReadOnlyDictionary<int, ComponentMemory> Components => _components;

    /// <summary>Cycles in a row whose mass change the guard held for want of a witness (see <c>Guard.WriteHeldAfter</c>).</summary>
    public int GuardHeldCycles { get; set; }

    /// <summary>The servers the last cycles could not judge, by name: probed first next cycle.</summary>
    public Dictionary<string, UnjudgedServer> Unjudged { get; set; } = [];

    public ComponentMemory For(int componentId) => _components.GetValueOrDefault(componentId, ComponentMemory.Empty);

    public void Set(int componentId, ComponentMemory memory)
    {
        if (memory == ComponentMemory.Empty)
        {
            _components.Remove(componentId);
        }
        else
        {
            _components[componentId] = memory;
        }
    }
}
