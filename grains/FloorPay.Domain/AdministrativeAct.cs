namespace FloorPay.Domain;

/// <summary>
/// An administrative act on a fund (an inflow recorded; a dividend proposed, approved, declared): who did what, to what,
/// for how much, when. Appended to the acts table and chained by the audit trail like the citizens' journal, so an
/// auditor sees the hands on the levers; it is not part of any citizen's history.
/// </summary>
/// <param name="ActId">Deterministic per act (e.g. "national:inflow:3:recorded"), so an act recorded again is one act.</param>
public sealed record AdministrativeActEntry(string ActId, string Kind, string Actor, string Subject, long Amount, string Detail, DateTimeOffset At)
    : JournalEntry
{
    public const string InflowRecorded = "inflow.recorded";
    public const string DividendProposed = "dividend.proposed";
    public const string DividendApproved = "dividend.approved";
    public const string DividendDeclared = "dividend.declared";

    public override string JournalId => $"act/{ActId}";
}
