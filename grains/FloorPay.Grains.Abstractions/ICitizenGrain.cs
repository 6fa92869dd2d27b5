namespace FloorPay.Grains;

/// <summary>One citizen (key: pseudonymous citizen id): the single writer of that citizen's entitlement state.</summary>
[Alias("floorpay.ICitizenGrain")]
public interface ICitizenGrain : IGrainWithStringKey
{
    /// <summary>Enrolls and pays the current period's floor at once (rule 2).</summary>
    [Alias("Enroll")]
    Task<Outcome<EnrollResult>> Enroll(EnrollCommand command);

    [Alias("RequestFloorPayout")]
    Task<Outcome<PayoutReceipt>> RequestFloorPayout(FloorPayoutCommand command);

    [Alias("ClaimDividends")]
    Task<Outcome<PayoutReceipt>> ClaimDividends(ClaimDividendsCommand command);

    [Alias("RecordContribution")]
    Task<Outcome<ContributionReceipt>> RecordContribution(ContributionCommand command);

    [Alias("GrantExemption")]
    Task<Outcome<ExemptionReceipt>> GrantExemption(ExemptionCommand command);

    /// <summary>Files an appeal against one of this citizen's decisions, for a human reviewer (rule 9).</summary>
    [Alias("FileAppeal")]
    Task<Outcome<AppealView>> FileAppeal(FileAppealCommand command);

    /// <summary>Records a reviewer's resolution; an upheld appeal may pay a correction, once.</summary>
    [Alias("ResolveAppeal")]
    Task<Outcome<AppealView>> ResolveAppeal(ResolveAppealCommand command);

    [Alias("GetStatement"), ReadOnly]
    Task<Outcome<CitizenStatement>> GetStatement(StatementQuery query);
}
