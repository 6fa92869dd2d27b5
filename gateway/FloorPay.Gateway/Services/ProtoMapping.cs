using FloorPay.Grains;
using Google.Protobuf.WellKnownTypes;

namespace FloorPay.Gateway.Services;

internal static class ProtoMapping
{
    public static V1.Money Money(long minorUnits, string currency) => new() { MinorUnits = minorUnits, Currency = currency };

    public static V1.PayoutKind Kind(PayoutKind kind) => kind switch
    {
        PayoutKind.Floor => V1.PayoutKind.Floor,
        PayoutKind.Dividend => V1.PayoutKind.Dividend,
        PayoutKind.Correction => V1.PayoutKind.Correction,
        _ => V1.PayoutKind.Unspecified,
    };

    public static V1.InstructionKind Kind(InstructionKind kind) => kind switch
    {
        InstructionKind.Floor => V1.InstructionKind.Floor,
        InstructionKind.Dividend => V1.InstructionKind.Dividend,
        InstructionKind.Correction => V1.InstructionKind.Correction,
        InstructionKind.Notice => V1.InstructionKind.Notice,
        _ => V1.InstructionKind.Unspecified,
    };

    public static V1.PayoutAccount Account(PayoutAccount a) => new() { BankId = a.BankId, AccountToken = a.AccountToken };

    public static V1.AccountChange AccountChange(AccountChangeReceipt r) => new()
    {
        ChangeId = r.ChangeId,
        CitizenId = r.CitizenId,
        Account = Account(r.Account),
        PreviousAccount = Account(r.Previous),
        RequestedAt = Timestamp.FromDateTimeOffset(r.RequestedAt),
        EffectiveAt = Timestamp.FromDateTimeOffset(r.EffectiveAt),
        NoticeInstructionId = r.NoticeInstructionId,
        FraudFlagRaised = r.FraudFlagRaised,
        Replayed = r.Replayed,
    };

    public static V1.InstructionState Instruction(InstructionStatus i, string currency) => new()
    {
        InstructionId = i.InstructionId,
        Kind = Kind(i.Kind),
        PayoutId = i.PayoutId ?? "",
        BankId = i.BankId,
        Amount = Money(i.Amount, currency),
        Status = i.Outcome switch { InstructionOutcome.Settled => "SETTLED", InstructionOutcome.Returned => "RETURNED", _ => "ISSUED" },
        ReturnReason = i.ReturnReason ?? "",
        ReissueOf = i.ReissueOf ?? "",
    };

    public static V1.PayoutReceipt Receipt(PayoutReceipt r) => new()
    {
        PayoutId = r.PayoutId,
        CitizenId = r.CitizenId,
        Period = r.Period,
        Amount = Money(r.Amount, r.Currency),
        ReasonCode = r.ReasonCode,
        Replayed = r.Replayed,
        Kind = Kind(r.Kind),
        PaidAt = Timestamp.FromDateTimeOffset(r.PaidAt),
    };

    public static V1.ContributionReceipt Receipt(ContributionReceipt r) => new()
    {
        ContributionId = r.ContributionId,
        CitizenId = r.CitizenId,
        Category = r.Category,
        Minutes = r.Minutes,
        Period = r.Period,
        ReasonCode = r.ReasonCode,
        Replayed = r.Replayed,
    };

    public static V1.ExemptionReceipt Receipt(ExemptionReceipt r) => new()
    {
        ExemptionId = r.ExemptionId,
        CitizenId = r.CitizenId,
        Category = r.Category,
        EvidenceReference = r.EvidenceReference,
        ExpiresAt = Timestamp.FromDateTimeOffset(r.ExpiresAt),
        ReasonCode = r.ReasonCode,
        Replayed = r.Replayed,
    };

    public static V1.Appeal Appeal(AppealView a, string currency)
    {
        var appeal = new V1.Appeal
        {
            AppealId = a.AppealId,
            CitizenId = a.CitizenId,
            DecisionId = a.DecisionId,
            Ground = a.Ground,
            EvidenceReference = a.EvidenceReference ?? "",
            FiledBy = a.FiledBy,
            FiledAt = Timestamp.FromDateTimeOffset(a.FiledAt),
            Outcome = a.Outcome switch
            {
                AppealOutcome.Upheld => V1.AppealOutcome.Upheld,
                AppealOutcome.Rejected => V1.AppealOutcome.Rejected,
                _ => V1.AppealOutcome.Unspecified,
            },
            ResolutionReason = a.ResolutionReason ?? "",
            ResolvedBy = a.ResolvedBy ?? "",
            ReasonCode = a.ReasonCode,
            Replayed = a.Replayed,
            CorrectionLimit = Money(a.CorrectionLimit, currency),
            CorrectionAwaitsApproval = a.CorrectionAwaitsApproval,
            CorrectionApprovedBy = a.CorrectionApprovedBy ?? "",
        };
        if (a.ResolvedAt is { } resolvedAt) appeal.ResolvedAt = Timestamp.FromDateTimeOffset(resolvedAt);
        if (a.CorrectivePayout is { } payout) appeal.CorrectivePayout = Receipt(payout);
        return appeal;
    }

    public static V1.Region Region(RegionSummary s, string currency)
    {
        var region = new V1.Region { RegionId = s.RegionId, EnrolledCount = s.EnrolledCount };
        region.Payouts.AddRange(s.Payouts.Select(p => new V1.PayoutTotal
        {
            Kind = Kind(p.Kind), Period = p.Period, Count = p.Count, Amount = Money(p.Amount, currency),
        }));
        foreach (var (k, v) in s.ContributionMinutes) region.ContributionMinutes[k] = v;
        foreach (var (k, v) in s.OpenOpportunities) region.OpenOpportunities[k] = v;
        return region;
    }
}
