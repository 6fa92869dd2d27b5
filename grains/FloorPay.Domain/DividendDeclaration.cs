namespace FloorPay.Domain;

/// <summary>
/// One declared AI dividend: <see cref="Total"/> split equally over <see cref="EligibleCount"/> citizens, those
/// enrolled before <see cref="EligibleBefore"/>. PerCapita × EligibleCount + Remainder = Total; the remainder stays in the fund.
/// </summary>
public sealed record DividendDeclaration(
    int Sequence,
    DateTimeOffset DeclaredAt,
    long Total,
    long EligibleCount,
    long PerCapita,
    long Remainder,
    long CumulativeIndex,
    DateTimeOffset EligibleBefore);
