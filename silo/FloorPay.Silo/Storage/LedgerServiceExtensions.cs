namespace FloorPay.Silo.Storage;

public static class LedgerServiceExtensions
{
    /// <summary>The payout ledger of this silo: a group-commit writer on the configured store.</summary>
    public static IServiceCollection AddFloorPayLedger(this IServiceCollection services, StorageSettings storage, LedgerOptions? options = null)
    {
        services.AddSingleton(sp => GroupCommitLedger.Create(storage, options ?? new LedgerOptions(), FloorPayTime.Of(sp),
            sp.GetService<ILoggerFactory>()?.CreateLogger<GroupCommitLedger>()));
        services.AddSingleton<IPayoutLedger>(sp => sp.GetRequiredService<GroupCommitLedger>());
        services.AddSingleton<ILedgerAudit>(new SqlLedgerAudit(storage));
        services.AddSingleton<IEnrollmentSeals>(sp => new SqlEnrollmentSeals(storage, FloorPayTime.Of(sp)));
        services.AddSingleton<ILedgerTallies>(new SqlLedgerTallies(storage));
        services.AddSingleton<IAdministrativeActs>(new SqlAdministrativeActs(storage));
        services.AddSingleton<IEnrollmentRoll>(new SqlEnrollmentRoll(storage));
        services.AddSingleton<IEnvelopeBook>(new SqlEnvelopeBook(storage));
        services.AddSingleton<IInstructionOutbox>(sp => new SqlInstructionOutbox(storage, sp.GetRequiredService<GroupCommitLedger>()));
        services.AddSingleton<ISettlements>(sp => new LedgerSettlements(sp.GetRequiredService<IPayoutLedger>()));
        services.AddSingleton<IReturnedPayments>(new SqlReturnedPayments(storage));
        services.AddSingleton<IFraudFlags>(new SqlFraudFlags(storage));
        services.AddSingleton<IReconciliation>(FloorPayTime.Create<Reconciliation>);
        return services;
    }
}
