namespace FloorPay.Domain;

/// <summary>
/// The cumulative per-capita dividend index (rule 7). A declaration adds its per-capita amount to the index;
/// a citizen's accrual is the index now minus the index it last settled at (or the index when it enrolled).
/// O(1) per citizen: declaring never writes to millions of citizens.
/// </summary>
public sealed class DividendIndex
{
    private readonly List<DividendDeclaration> _declarations;

    public DividendIndex(IEnumerable<DividendDeclaration>? declarations = null)
    {
        _declarations = (declarations ?? []).OrderBy(d => d.Sequence).ToList();
    }

    public IReadOnlyList<DividendDeclaration> Declarations => _declarations;

    public long Current => _declarations.Count == 0 ? 0 : _declarations[^1].CumulativeIndex;

    /// <summary>
    /// Declares <paramref name="total"/> for the <paramref name="eligibleCount"/> citizens enrolled before
    /// <paramref name="eligibleBefore"/> (default: the declaration instant). Rounds the per-capita share down, so as long
    /// as <paramref name="eligibleCount"/> is at least the number of citizens enrolled before the cutoff, they together
    /// never accrue more than was declared.
    /// </summary>
    public DividendDeclaration Declare(long total, long eligibleCount, DateTimeOffset declaredAt, DateTimeOffset? eligibleBefore = null)
    {
        var cutoff = eligibleBefore ?? declaredAt;
        if (cutoff > declaredAt) throw new ArgumentOutOfRangeException(nameof(eligibleBefore), "the eligibility cutoff cannot be after the declaration");
        if (_declarations.Count > 0 && cutoff < _declarations[^1].EligibleBefore)
            throw new InvalidOperationException("eligibility cutoffs must be in time order");
        if (total <= 0) throw new ArgumentOutOfRangeException(nameof(total), "a dividend must be positive");
        if (eligibleCount <= 0) throw new InvalidOperationException("no citizens are enrolled to share a dividend");
        if (_declarations.Count > 0 && declaredAt < _declarations[^1].DeclaredAt)
            throw new InvalidOperationException("declarations must be in time order");
        var perCapita = total / eligibleCount;
        var declaration = new DividendDeclaration(
            Sequence: _declarations.Count + 1,
            DeclaredAt: declaredAt,
            Total: total,
            EligibleCount: eligibleCount,
            PerCapita: perCapita,
            Remainder: total - perCapita * eligibleCount,
            CumulativeIndex: checked(Current + perCapita),
            EligibleBefore: cutoff);
        _declarations.Add(declaration);
        return declaration;
    }

    /// <summary>
    /// The index a citizen enrolled at <paramref name="instant"/> starts from: every declaration whose eligibility cutoff
    /// is at or before that instant is not theirs (eligibility means enrolled strictly before the cutoff).
    /// </summary>
    public long At(DateTimeOffset instant)
    {
        long index = 0;
        foreach (var d in _declarations)
        {
            if (d.EligibleBefore > instant) break;
            index = d.CumulativeIndex;
        }
        return index;
    }

    /// <summary>
    /// What a citizen enrolled at <paramref name="enrolledAt"/> that last settled at <paramref name="settledIndex"/> has accrued.
    /// Declarations made before the citizen enrolled never count for it, even if this index was stale when it enrolled.
    /// </summary>
    public long AccruedSince(DateTimeOffset enrolledAt, long settledIndex) =>
        Math.Max(0, Current - Math.Max(settledIndex, At(enrolledAt)));
}
