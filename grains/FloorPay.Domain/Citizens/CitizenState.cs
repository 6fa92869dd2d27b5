using System.Globalization;

namespace FloorPay.Domain.Citizens;

/// <summary>
/// One citizen's journal folded into what the citizen's payout decisions read: the enrollment, payouts, idempotency
/// keys and account changes, in the order the ledger returns them. Decisions read nothing else about the citizen.
/// </summary>
public sealed class CitizenState(string citizenId)
{
    private readonly List<PayoutPosting> _payouts = [];
    private readonly List<IdempotencyKeyEntry> _keys = [];
    private readonly List<AccountChangeEntry> _accountChanges = [];

    public string CitizenId => citizenId;

    /// <summary>The enrollment payout (the first floor, carrying region and account); null until enrolled.</summary>
    public PayoutPosting? Enrollment { get; private set; }

    public IReadOnlyList<PayoutPosting> Payouts => _payouts;

    public IReadOnlyList<IdempotencyKeyEntry> Keys => _keys;

    public IReadOnlyList<AccountChangeEntry> AccountChanges => _accountChanges;

    /// <summary>Folds one entry in. Kinds the payout decisions do not read (civic records, instructions) change nothing.</summary>
    public CitizenState Apply(JournalEntry entry)
    {
        switch (entry)
        {
            case PayoutPosting p:
                _payouts.Add(p);
                if (p.Enrollment) Enrollment ??= p;
                break;
            case IdempotencyKeyEntry k:
                _keys.Add(k);
                break;
            case AccountChangeEntry c:
                _accountChanges.Add(c);
                break;
        }
        return this;
    }

    /// <summary>What this scope's key produced for this citizen, if it was used here.</summary>
    public IdempotencyKeyEntry? KeyUsed(string scope, string key) => _keys.FirstOrDefault(k => k.Scope == scope && k.Key == key);

    /// <summary>Where payouts go at <paramref name="now"/>: the latest account change in effect, else the enrollment account.</summary>
    public (string BankId, string AccountToken) EffectiveAccount(DateTimeOffset now)
    {
        if (_accountChanges.LastOrDefault(c => c.EffectiveAt <= now) is { } change) return (change.BankId, change.AccountToken);
        var e = Enrollment ?? throw new InvalidOperationException($"citizen {citizenId} is not enrolled");
        return (e.BankId, e.AccountToken);
    }

    /// <summary>Where the last dividend claim ended: a claim covers the index from its slot, for its amount.</summary>
    public long SettledDividendIndex =>
        _payouts.Where(p => p.Kind == PayoutKind.Dividend).Select(p => long.Parse(p.Slot, CultureInfo.InvariantCulture) + p.Amount).DefaultIfEmpty(0).Max();

    /// <summary>The floor paid for <paramref name="period"/>, if any.</summary>
    public PayoutPosting? FloorFor(Period period) => _payouts.FirstOrDefault(p => p.Kind == PayoutKind.Floor && p.Slot == period.ToString());
}
