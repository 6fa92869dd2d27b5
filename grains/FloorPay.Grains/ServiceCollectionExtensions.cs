using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FloorPay.Grains;

public static class ServiceCollectionExtensions
{
    /// <summary>The services the grains need on every silo: policy, period clock, aggregate feed, dividend cache.</summary>
    public static IServiceCollection AddFloorPayGrainServices(this IServiceCollection services, PolicyBook policies)
    {
        services.AddSingleton(policies);
        services.TryAddSingleton(TimeProvider.System); // tests replace the clock
        services.AddSingleton(sp => new PeriodClock(FloorPayTime.Of(sp), policies.PeriodLength));
        services.AddSingleton<AggregateFeed>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<AggregateFeed>());
        services.AddSingleton<IPendingAggregates>(sp => sp.GetRequiredService<AggregateFeed>());
        services.TryAddSingleton(new DividendOptions());
        services.TryAddSingleton(new PayoutAccountOptions());
        services.TryAddSingleton(new CitizenRecordLimits());
        services.AddSingleton<DividendIndexCache>();
        services.TryAddSingleton(new PaydayOptions());
        services.AddSingleton(FloorPayTime.Create<PaydayScheduler>);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<PaydayScheduler>());
        services.TryAddSingleton(new MetricsOptions());
        services.AddSingleton(FloorPayTime.Create<OutstandingInstructions>);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<OutstandingInstructions>());
        services.AddSingleton(FloorPayTime.Create<ReturnedPaymentSweep>);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<ReturnedPaymentSweep>());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<DividendIndexCache>());
        return services;
    }
}
