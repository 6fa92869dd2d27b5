using FloorPay.AuditVerifier;

namespace FloorPay.Silo.AuditTrail;

/// <summary>
/// `FloorPay.Silo audit export --out DIR [--seal]` (write the export, sealing first with --seal; reads the node's
/// configuration) and
/// `FloorPay.Silo audit verify DIR [--public-key FILE]` (the independent verifier; exit 0 when it passes, 1 with the
/// first finding named when it does not, 2 when it cannot run).
/// </summary>
public static class AuditCommand
{
    public static async Task<int> RunAsync(string[] args, IConfiguration config)
    {
        string? Option(string name)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        }

        switch (args.FirstOrDefault())
        {
            case "export" when Option("--out") is { } directory:
            {
                var storage = config.GetSection("FloorPay:Storage").Get<StorageSettings>() ?? new StorageSettings();
                using var signer = AuditSigner.Configured(config, storage);
                var seal = new AuditSeal(storage, signer, TimeProvider.System, AuditOptions.From(config).Lookback);
                var (records, unchained, checkpoints) = await AuditExport.WriteAsync(storage, args.Contains("--seal") ? seal : null, directory);
                if (signer is not null) await File.WriteAllTextAsync(Path.Combine(directory, "public-key.pem"), signer.PublicKeyPem);
                Console.WriteLine($"exported {records} chained entries, {unchained} in no chain, {checkpoints} checkpoints to {directory}");
                return 0;
            }
            case "verify" when args.Length >= 2:
            {
                var keyFile = Option("--public-key");
                if (!File.Exists(Path.Combine(args[1], "entries.jsonl")))
                {
                    Console.Error.WriteLine($"{args[1]} holds no audit export (entries.jsonl)");
                    return 2;
                }
                var report = AuditVerification.Verify(args[1], keyFile is null ? null : await File.ReadAllTextAsync(keyFile));
                Print(report);
                return report.Passed ? 0 : 1;
            }
            default:
                Console.Error.WriteLine("usage: audit export --out DIR [--seal] | audit verify DIR [--public-key FILE]");
                return 2;
        }
    }

    private static void Print(VerificationReport report)
    {
        Console.WriteLine($"{report.Records} chained entries in {report.Chains} chains, {report.Checkpoints} checkpoints");
        foreach (var w in report.Warnings) Console.WriteLine($"warning: {w}");
        var a = report.Aggregates;
        Console.WriteLine($"payouts: {a.Payouts}, paid {a.TotalPaid} minor units (fund outflow; journal legs balance to 0)");
        foreach (var (region, (count, amount)) in a.ByRegion)
            Console.WriteLine($"  region {region}: {count} payouts, {amount} minor units, {a.EnrollmentsByRegion.GetValueOrDefault(region)} enrollments");
        foreach (var (kind, (count, amount)) in a.ByKind) Console.WriteLine($"  kind {kind}: {count} payouts, {amount} minor units");
        Console.WriteLine($"fund: inflows recorded as acts {a.Inflows}, paid out {a.TotalPaid}, balance {a.Inflows - a.TotalPaid} minor units");
        foreach (var (dividend, recorded, recounted, perCapita) in a.Dividends)
            Console.WriteLine($"  dividend {dividend}: {recorded} eligible, recounted from the enrollments {recounted}, {perCapita} each");
        if (report.Passed)
        {
            Console.WriteLine("PASSED: every record, link and checkpoint holds");
            return;
        }
        Console.WriteLine($"FAILED: {report.Findings.Count} finding(s); first: {report.Findings[0]}");
        foreach (var f in report.Findings.Take(50)) Console.WriteLine($"  {f}");
    }
}
