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

    /// <summary>A second, different reviewer releases a correction above the one-reviewer limit; it is paid once.</summary>
    [Alias("ApproveCorrection")]
    Task<Outcome<AppealView>> ApproveCorrection(ApproveCorrectionCommand command);

    /// <summary>Moves payouts to another account after the cooling-off; the old bank gets a notice instruction.</summary>
    [Alias("ChangePayoutAccount")]
    Task<Outcome<AccountChangeReceipt>> ChangePayoutAccount(ChangeAccountCommand command);

    /// <summary>The bank holding the citizen releases it to another bank, which may claim it within the transfer window.</summary>
    [Alias("ReleaseAccountHolder")]
    Task<Outcome<AccountReleaseReceipt>> ReleaseAccountHolder(ReleaseAccountCommand command);

    /// <summary>Records a bank's return of one of this citizen's instructions; the account is flagged for update.</summary>
    [Alias("ReturnPayment")]
    Task<Outcome<ReturnReceipt>> ReturnPayment(ReturnCommand command);

    /// <summary>Re-issues, once each, returned payments whose account has since been updated and is in effect.</summary>
    [Alias("ReissueReturnedPayments")]
    Task<int> ReissueReturnedPayments();

    [Alias("GetStatement"), ReadOnly]
    Task<Outcome<CitizenStatement>> GetStatement(StatementQuery query);
}
