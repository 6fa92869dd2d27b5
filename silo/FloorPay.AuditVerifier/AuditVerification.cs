using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FloorPay.AuditVerifier;

/// <summary>
/// Checks an audit export (docs/audit-format.md) from the files alone: every record's hash, every chain's links and
/// numbering, every checkpoint's signature and heads; and recomputes the payout aggregates from the entries.
/// </summary>
public static class AuditVerification
{
    private static readonly string Zeros = new('0', 64);

    public static VerificationReport Verify(string directory, string? publicKeyPem)
    {
        var findings = new List<string>();
        var warnings = new List<string>();
        var chains = new Dictionary<string, ChainState>(StringComparer.Ordinal);
        var unchained = new List<(string Name, long Ticks)>();
        var aggregates = new PayoutAggregates();
        long records = 0;

        // First pass: each record on its own (is its content still what its hash was made of?), and the aggregates.
        foreach (var line in File.ReadLines(Path.Combine(directory, "entries.jsonl")))
        {
            if (line.Length == 0) continue;
            using var json = JsonDocument.Parse(line);
            var e = json.RootElement;
            var table = e.GetProperty("table").GetString()!;
            var key = e.GetProperty("key").GetString()!;
            var content = e.GetProperty("content").ValueKind == JsonValueKind.Null ? null : e.GetProperty("content").GetString();
            if (e.GetProperty("chain").ValueKind == JsonValueKind.Null)
            {
                unchained.Add(($"{table} {key}", e.GetProperty("ticks").GetInt64()));
                continue;
            }
            records++;
            var chainId = e.GetProperty("chain").GetString()!;
            if (!chains.TryGetValue(chainId, out var chain)) chains[chainId] = chain = new ChainState();
            var hash = e.GetProperty("hash").GetString()!;
            var prev = e.GetProperty("prev").GetString()!;
            chain.Records.Add(new ChainRecord(e.GetProperty("seq").GetInt64(), $"{table} {key}", prev, hash,
                content is null ? null : Link(prev, content) == hash));
            chain.Hashes.Add(hash);
            if (content is not null && table == "floorpay_payouts") aggregates.Add(Fields(content));
            if (content is not null && table == "floorpay_admin_acts") aggregates.AddAct(Fields(content));
        }

        // Second pass, chain by chain in order: numbering and links.
        foreach (var (chainId, chain) in chains)
        {
            var expected = Zeros;
            long seq = 0;
            foreach (var r in chain.Records)
            {
                var at = $"(chain {chainId}, seq {r.Seq})";
                if (r.Seq > seq + 1) findings.Add($"deleted: {r.Seq - seq - 1} record(s) of chain {chainId} after seq {seq}, before {r.Name} {at}");
                else if (r.Seq <= seq) findings.Add($"reordered: {r.Name} {at} comes after seq {seq}");
                if (r.Intact is null) findings.Add($"deleted: {r.Name} {at} is recorded in the chain but no longer stored");
                else if (r.Intact == false) findings.Add($"edited: {r.Name} {at} no longer has the content its hash was made of");
                else if (r.Previous != expected)
                    findings.Add(chain.Hashes.Contains(r.Previous) || r.Previous == Zeros
                        ? $"reordered: {r.Name} {at} follows another record of the chain than the one before it"
                        : $"edited: {r.Name} {at} links to a predecessor that is not in the chain");
                expected = r.Hash;
                seq = r.Seq;
                chain.HashAt[r.Seq] = r.Hash;
            }
            chain.Seq = seq;
        }
        findings.AddRange(aggregates.Recount());
        var (checkpoints, completeBefore) = CheckCheckpoints(directory, publicKeyPem, chains, findings, warnings);
        // An entry in no chain stamped before the last checkpoint's "complete_before" was put there behind the ledger's
        // back; one stamped later may simply not be sealed yet.
        foreach (var (name, ticks) in unchained)
            if (ticks < completeBefore) findings.Add($"inserted: {name} is in no chain, yet stamped before the last checkpoint's complete_before");
            else warnings.Add($"{name} is not sealed yet (stamped after the last checkpoint's complete_before)");
        foreach (var (id, chain) in chains)
            if (chain.Seq > chain.Signed) warnings.Add($"chain {id}: records {chain.Signed + 1}-{chain.Seq} are after the last checkpoint (not signed yet)");
        return new VerificationReport(records, chains.Count, checkpoints, findings, warnings, aggregates);
    }

    private static (long Count, long CompleteBefore) CheckCheckpoints(string directory, string? publicKeyPem, Dictionary<string, ChainState> chains, List<string> findings,
        List<string> warnings)
    {
        var path = Path.Combine(directory, "checkpoints.jsonl");
        if (!File.Exists(path))
        {
            findings.Add("deleted: checkpoints.jsonl is missing");
            return (0, long.MinValue);
        }
        long count = 0, completeBefore = long.MinValue;
        var previous = Zeros;
        if (publicKeyPem is null) warnings.Add("no --public-key given: checkpoints are checked against the key in the export, which proves nothing about who signed");
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            using var json = JsonDocument.Parse(line);
            var c = json.RootElement;
            var number = c.GetProperty("number").GetInt64();
            var payload = c.GetProperty("payload").GetString()!;
            var signature = c.GetProperty("signature").GetString()!;
            var key = publicKeyPem ?? c.GetProperty("public_key").GetString()!;
            count++;
            if (number != count) findings.Add($"deleted: checkpoint {count} is missing (found {number})");
            if (!Signed(key, payload, signature)) findings.Add($"edited: checkpoint {number}'s signature does not verify with the public key");
            var lines = payload.Split('\n');
            if (lines.Length < 4 || lines[0] != $"checkpoint={number}" || !lines[2].StartsWith("previous=", StringComparison.Ordinal) ||
                !lines[3].StartsWith("complete_before=", StringComparison.Ordinal))
            {
                findings.Add($"edited: checkpoint {number}'s payload is malformed");
                continue;
            }
            if (lines[2]["previous=".Length..] != previous) findings.Add($"edited: checkpoint {number} does not follow checkpoint {number - 1}");
            previous = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));
            completeBefore = long.Parse(lines[3]["complete_before=".Length..], CultureInfo.InvariantCulture);
            foreach (var head in lines.Skip(4))
            {
                var eq = head.LastIndexOf('=');
                var colon = head.LastIndexOf(':');
                var chainId = head[..eq];
                var seq = long.Parse(head[(eq + 1)..colon], CultureInfo.InvariantCulture);
                var hash = head[(colon + 1)..];
                if (!chains.TryGetValue(chainId, out var chain) || !chain.HashAt.TryGetValue(seq, out var found))
                    findings.Add($"deleted: chain {chainId} seq {seq}, signed in checkpoint {number}, is not in the export");
                else if (found != hash)
                    findings.Add($"edited: chain {chainId} up to seq {seq} differs from what checkpoint {number} signed");
                else chain.Signed = Math.Max(chain.Signed, seq);
            }
        }
        if (count == 0) warnings.Add("no checkpoint: nothing in the export is signed");
        return (count, completeBefore);
    }

    private static bool Signed(string publicKeyPem, string payload, string signature)
    {
        if (signature.Length == 0) return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(publicKeyPem);
            return key.VerifyData(Encoding.UTF8.GetBytes(payload), Convert.FromBase64String(signature), HashAlgorithmName.SHA256);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or ArgumentException)
        {
            return false;
        }
    }

    private static string Link(string previous, string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(previous + "\n" + content)));

    /// <summary>A canonical content's fields, unescaped.</summary>
    public static Dictionary<string, string?> Fields(string content)
    {
        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var part in content.Split('\t'))
        {
            var eq = part.IndexOf('=');
            var value = part[(eq + 1)..];
            fields[part[..eq]] = value == "\\N" ? null : Unescape(value);
        }
        return fields;
    }

    private static string Unescape(string value)
    {
        if (!value.Contains('\\')) return value;
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] != '\\' || i + 1 == value.Length) { text.Append(value[i]); continue; }
            text.Append(value[++i] switch { 't' => '\t', 'n' => '\n', 'r' => '\r', var other => other });
        }
        return text.ToString();
    }

    /// <param name="Intact">Whether the content still hashes to the record's hash; null when the entry is gone.</param>
    private sealed record ChainRecord(long Seq, string Name, string Previous, string Hash, bool? Intact);

    private sealed class ChainState
    {
        public long Seq;
        public long Signed;
        public readonly List<ChainRecord> Records = [];
        public readonly HashSet<string> Hashes = new(StringComparer.Ordinal);
        public readonly Dictionary<long, string> HashAt = [];
    }
}

/// <summary>What the verification found: failures (any one fails it), warnings, and the aggregates recomputed.</summary>
public sealed record VerificationReport(long Records, int Chains, long Checkpoints, IReadOnlyList<string> Findings, IReadOnlyList<string> Warnings,
    PayoutAggregates Aggregates)
{
    public bool Passed => Findings.Count == 0;
}

/// <summary>
/// Aggregates recomputed from the entries: payouts by region and kind, enrollments by region, the fund's inflows and
/// outflow, and each declared dividend's eligible count, recounted from the enrollments stamped before its cutoff.
/// </summary>
public sealed class PayoutAggregates
{
    private readonly List<long> _enrollmentTicks = [];
    private readonly List<Dictionary<string, string?>> _declarations = [];

    /// <summary>Inflows recorded as administrative acts.</summary>
    public long Inflows { get; private set; }

    /// <summary>Each declared dividend: its number, its recorded eligible count, the count recounted from the entries, its share.</summary>
    public List<(long Dividend, long Recorded, long Recounted, long PerCapita)> Dividends { get; } = [];

    internal void AddAct(Dictionary<string, string?> act)
    {
        if (act["kind"] == "inflow.recorded") Inflows += long.Parse(act["amount"]!, CultureInfo.InvariantCulture);
        if (act["kind"] == "dividend.declared") _declarations.Add(act);
    }

    /// <summary>
    /// A dividend's eligible count is the enrollments stamped before its cutoff: the ledger seals the count in commit
    /// order and refuses, afterwards, any enrollment stamped before the cutoff. Its shares must also add up to its total.
    /// </summary>
    internal IEnumerable<string> Recount()
    {
        _enrollmentTicks.Sort();
        foreach (var act in _declarations)
        {
            var detail = act["detail"]!.Split(' ').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            var dividend = long.Parse(detail["dividend"], CultureInfo.InvariantCulture);
            var recorded = long.Parse(detail["eligible"], CultureInfo.InvariantCulture);
            var perCapita = long.Parse(detail["per_capita"], CultureInfo.InvariantCulture);
            var remainder = long.Parse(detail["remainder"], CultureInfo.InvariantCulture);
            var cutoff = DateTimeOffset.Parse(detail["eligible_before"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).UtcTicks;
            var index = _enrollmentTicks.BinarySearch(cutoff);
            var recounted = index >= 0 ? FirstAt(index) : ~index;
            Dividends.Add((dividend, recorded, recounted, perCapita));
            if (recounted != recorded)
                yield return $"edited: dividend {dividend} ({act["act_id"]}) records {recorded} eligible, but {recounted} enrollments were stamped before its cutoff";
            if (perCapita * recorded + remainder != long.Parse(act["amount"]!, CultureInfo.InvariantCulture))
                yield return $"edited: dividend {dividend} ({act["act_id"]}): {recorded} x {perCapita} + {remainder} is not its total {act["amount"]}";
        }
    }

    /// <summary>The first position holding the value found at <paramref name="index"/> (enrollments stamped at the cutoff are not before it).</summary>
    private int FirstAt(int index)
    {
        while (index > 0 && _enrollmentTicks[index - 1] == _enrollmentTicks[index]) index--;
        return index;
    }

    public SortedDictionary<string, (long Count, long Amount)> ByRegion { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, (long Count, long Amount)> ByKind { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, long> EnrollmentsByRegion { get; } = new(StringComparer.Ordinal);
    public long Payouts { get; private set; }

    /// <summary>Money paid out: each payout's two journal legs (the fund pays, the citizen receives) sum to zero.</summary>
    public long TotalPaid { get; private set; }

    internal void Add(Dictionary<string, string?> payout)
    {
        var amount = long.Parse(payout["amount"]!, CultureInfo.InvariantCulture);
        var region = payout["region_id"]!;
        Payouts++;
        TotalPaid += amount;
        ByRegion[region] = (ByRegion.GetValueOrDefault(region).Count + 1, ByRegion.GetValueOrDefault(region).Amount + amount);
        var kind = payout["kind"]!;
        ByKind[kind] = (ByKind.GetValueOrDefault(kind).Count + 1, ByKind.GetValueOrDefault(kind).Amount + amount);
        if (payout["enrollment"] == "1")
        {
            EnrollmentsByRegion[region] = EnrollmentsByRegion.GetValueOrDefault(region) + 1;
            _enrollmentTicks.Add(long.Parse(payout["paid_at_ticks"]!, CultureInfo.InvariantCulture));
        }
    }
}
