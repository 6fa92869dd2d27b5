namespace FloorPay.Grains;

/// <summary>
/// References to citizen grains for the hot paths. Orleans' <c>GetGrain&lt;T&gt;(key)</c> resolves the interface's type
/// name by reflection on every call (2.6 % of a surge's CPU); the names are the same for every key, so they are taken
/// once, from the first reference, and each later reference is built from its grain id.
/// </summary>
public static class CitizenGrains
{
    private static (GrainType Type, GrainInterfaceType Interface)? _names;

    public static ICitizenGrain Citizen(this IGrainFactory grains, string citizenId)
    {
        if (_names is { } names) return (ICitizenGrain)grains.GetGrain(GrainId.Create(names.Type, citizenId), names.Interface);
        var first = grains.GetGrain<ICitizenGrain>(citizenId);
        var reference = (GrainReference)first;
        _names = (reference.GrainId.Type, reference.InterfaceType);
        return first;
    }
}
