namespace FloorPay.Grains;

/// <summary>
/// References to citizen grains for the hot paths. Orleans' <c>GetGrain&lt;T&gt;(key)</c> resolves the interface's type
/// name by reflection on every call (2.6 % of a surge's CPU); the names are the same for every key, so they are taken
/// once, from the first reference, and each later reference is built from its grain id.
/// </summary>
public static class CitizenGrains
{
    // A reference, so that a thread reading it while another publishes it sees both names or none (a struct could tear).
    private sealed record Names(GrainType Type, GrainInterfaceType Interface);

    private static Names? _names;

    public static ICitizenGrain Citizen(this IGrainFactory grains, string citizenId)
    {
        if (Volatile.Read(ref _names) is { } names) return (ICitizenGrain)grains.GetGrain(GrainId.Create(names.Type, citizenId), names.Interface);
        var first = grains.GetGrain<ICitizenGrain>(citizenId);
        var reference = (GrainReference)first;
        Volatile.Write(ref _names, new Names(reference.GrainId.Type, reference.InterfaceType));
        return first;
    }
}
