using Microsoft.Extensions.DependencyInjection;

namespace FloorPay.Grains;

/// <summary>
/// The clock FloorPay's own rules read (periods, cooling-off, staleness): the keyed one when a drill moved it, else the
/// process clock. Kept apart from the unkeyed TimeProvider because Orleans' membership reads that one, and a silo on a
/// moved clock would declare itself dead.
/// </summary>
public static class FloorPayTime
{
    public const string Key = "floorpay";

    public static TimeProvider Of(IServiceProvider services) =>
        services.GetKeyedService<TimeProvider>(Key) ?? services.GetService<TimeProvider>() ?? TimeProvider.System;

    /// <summary>A singleton built by DI with FloorPay's clock given for its TimeProvider parameter.</summary>
    public static T Create<T>(IServiceProvider services) => ActivatorUtilities.CreateInstance<T>(services, Of(services));
}
