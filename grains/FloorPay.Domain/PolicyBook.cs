namespace FloorPay.Domain;

/// <summary>
/// The ordered versions of the policy document. Every version after the first starts at a later period
/// than the one before, with the same currency and period length, so that no period changes meaning.
/// A book only grows (<see cref="Adopt"/>): a published version never changes.
/// </summary>
public sealed class PolicyBook
{
    private volatile List<FloorPolicy> _versions;

    public PolicyBook(IEnumerable<FloorPolicy> versions)
    {
        _versions = Checked(versions);
    }

    private static List<FloorPolicy> Checked(IEnumerable<FloorPolicy> versions)
    {
        var ordered = versions.OrderBy(v => v.Version).ToList();
        if (ordered.Count == 0) throw new ArgumentException("a policy book needs at least one version");
        for (var i = 0; i < ordered.Count; i++)
        {
            var v = ordered[i];
            var problems = v.Problems();
            if (problems.Count > 0) throw new ArgumentException($"policy v{v.Version}: {string.Join("; ", problems)}");
            if (i == 0) continue;
            var before = ordered[i - 1];
            if (v.Version != before.Version + 1) throw new ArgumentException($"policy versions must be consecutive: v{before.Version} then v{v.Version}");
            if (v.Currency != before.Currency || v.PeriodLength != before.PeriodLength)
                throw new ArgumentException($"policy v{v.Version} cannot change the currency or the period length");
            if (v.EffectiveFromPeriod <= before.EffectiveFromPeriod)
                throw new ArgumentException($"policy v{v.Version} must take effect after v{before.Version}");
        }
        return ordered;
    }

    /// <summary>
    /// Takes on versions published since this book was read (by another silo). Refused, changing nothing, unless the
    /// published book holds every version of this one unchanged: a book never loses or rewrites a version.
    /// Returns how many versions were added.
    /// </summary>
    public int Adopt(IEnumerable<FloorPolicy> published)
    {
        var next = Checked(published);
        var current = _versions;
        for (var i = 0; i < current.Count; i++)
            if (i >= next.Count || !next[i].SameAs(current[i]))
                throw new ArgumentException($"the published policy book no longer holds v{current[i].Version} as this silo read it");
        _versions = next;
        return next.Count - current.Count;
    }

    public IReadOnlyList<FloorPolicy> Versions => _versions;

    public FloorPolicy Latest => _versions[^1];

    public string Currency => _versions[0].Currency;

    public PeriodLength PeriodLength => _versions[0].PeriodLength;

    public FloorPolicy? Version(int version) => _versions.FirstOrDefault(v => v.Version == version);

    /// <summary>The version in force during <paramref name="period"/>; periods before the first version fall under the first.</summary>
    public FloorPolicy For(Period period)
    {
        var versions = _versions; // one reading, though another silo's version may be adopted meanwhile
        var inForce = versions[0];
        foreach (var v in versions)
        {
            if (v.EffectiveFromPeriod <= period) inForce = v;
        }
        return inForce;
    }

    /// <summary>
    /// A new book with <paramref name="next"/> appended. Refused unless it starts after <paramref name="current"/>:
    /// a change never rewrites the period people are being paid for now.
    /// </summary>
    public PolicyBook Publish(FloorPolicy next, Period current)
    {
        if (next.EffectiveFromPeriod <= current)
            throw new ArgumentException($"policy v{next.Version} must take effect from a future period (after {current})");
        return new PolicyBook(_versions.Append(next));
    }
}
