using FloorPay.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace FloorPay.Silo;

/// <summary>
/// `FloorPay.Silo reconcile [--address URL] [--api-key KEY] [--acknowledged FILE]`: asks a running FloorPay to
/// reconcile its ledger, prints the report, and exits 0 when every check passed, 1 otherwise.
/// FILE holds acknowledged payout ids, one per line. The key defaults to $FLOORPAY_API_KEY.
/// </summary>
public static class ReconcileCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Option(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        var address = Option("--address", "http://127.0.0.1:5080");
        var apiKey = Option("--api-key", Environment.GetEnvironmentVariable("FLOORPAY_API_KEY") ?? "");
        var acknowledgedFile = Option("--acknowledged", "");
        if (apiKey.Length == 0)
        {
            Console.Error.WriteLine("reconcile needs an auditor API key: --api-key KEY or FLOORPAY_API_KEY");
            return 2;
        }

        var request = new ReconcileRequest();
        if (acknowledgedFile.Length > 0)
            request.AcknowledgedPayoutIds.AddRange(File.ReadLines(acknowledgedFile).Select(l => l.Trim()).Where(l => l.Length > 0));

        using var channel = GrpcChannel.ForAddress(address);
        FloorPay.V1.ReconciliationReport report;
        try
        {
            report = await new Audit.AuditClient(channel).ReconcileAsync(request,
                new Metadata { { "authorization", $"Bearer {apiKey}" } }, deadline: DateTime.UtcNow.AddMinutes(5));
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine($"reconciliation could not run: {e.StatusCode}: {e.Status.Detail}");
            return 2;
        }

        Console.WriteLine($"FloorPay reconciliation at {report.CheckedAt.ToDateTimeOffset():O}");
        Console.WriteLine($"ledger: {report.Payouts} payouts, {report.TotalPaid.MinorUnits} {report.TotalPaid.Currency} (minor units)");
        foreach (var check in report.Checks)
            Console.WriteLine($"  [{(check.Passed ? "ok" : "FAILED")}] {check.Name}: {check.Detail}");
        Console.WriteLine(report.Passed ? "all checks passed" : "RECONCILIATION FAILED");
        return report.Passed ? 0 : 1;
    }
}
