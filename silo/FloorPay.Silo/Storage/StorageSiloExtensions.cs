using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Storage;

namespace FloorPay.Silo.Storage;

public static class StorageSiloExtensions
{
    /// <summary>The FloorPay grain storage on the configured store, through the Orleans ADO.NET provider.</summary>
    public static ISiloBuilder AddFloorPayStorage(this ISiloBuilder silo, StorageSettings storage) =>
        silo.AddAdoNetGrainStorage(StorageNames.State, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<Orleans.Serialization.Serializer>((o, serializer) =>
            {
                o.Invariant = storage.Invariant;
                o.ConnectionString = storage.EffectiveConnectionString;
                // Orleans' own binary format: version-tolerant through the [Id] numbers on every state member.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
}
