using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace FloorPay.Gateway.Tests;

/// <summary>The same API as JSON over HTTP/1.1 (gRPC JSON transcoding) on the HTTP port, with the same authentication and rules.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class JsonTranscodingTests(SharedServerFixture fixture)
{
    private readonly FloorPayServer _server = fixture.Server;

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? apiKey, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _server.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrWhiteSpace(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json);
    }

    /// <summary>Proto3 JSON writes int64 as a string; accept either form.</summary>
    private static long Int64(JsonElement e) => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetInt64();

    private static object EnrollBody(string citizenId, string key, string bankId = "bank-a") => new
    {
        idempotencyKey = key,
        citizenId,
        regionId = "R-NORTH",
        payoutAccount = new { bankId, accountToken = "json-token-1" },
    };

    [Fact]
    public async Task Enroll_and_read_the_statement_as_json()
    {
        var policy = await _server.Policy();
        var citizenId = Ids.Citizen();
        var body = EnrollBody(citizenId, Ids.Key());

        var (status, enrolled) = await Send(HttpMethod.Post, "/v1/citizens:enroll", ApiKeys.BankA, body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(citizenId, enrolled.GetProperty("citizenId").GetString());
        var payout = enrolled.GetProperty("firstPayout");
        Assert.Equal(policy.FloorAmount.MinorUnits, Int64(payout.GetProperty("amount").GetProperty("minorUnits")));
        Assert.Equal("EUR", payout.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Equal(policy.CurrentPeriod, payout.GetProperty("period").GetString());
        Assert.Equal("PAYOUT_KIND_FLOOR", payout.GetProperty("kind").GetString());
        var payoutId = payout.GetProperty("payoutId").GetString();

        var (replayStatus, replay) = await Send(HttpMethod.Post, "/v1/citizens:enroll", ApiKeys.BankA, body);
        Assert.Equal(HttpStatusCode.OK, replayStatus);
        Assert.True(replay.GetProperty("replayed").GetBoolean());
        Assert.Equal(payoutId, replay.GetProperty("firstPayout").GetProperty("payoutId").GetString());

        var (statementStatus, statement) = await Send(HttpMethod.Get, $"/v1/citizens/{citizenId}/statement", ApiKeys.BankA);
        Assert.Equal(HttpStatusCode.OK, statementStatus);
        Assert.Equal(citizenId, statement.GetProperty("citizenId").GetString());
        var payouts = statement.GetProperty("payouts");
        Assert.Equal(1, payouts.GetArrayLength());
        Assert.Equal(payoutId, payouts[0].GetProperty("payoutId").GetString());

        // The same data over gRPC.
        Assert.Equal(payoutId, Assert.Single((await _server.Statement(citizenId)).Payouts).PayoutId);
    }

    [Fact]
    public async Task Authentication_and_rules_map_to_http_statuses()
    {
        var citizenId = Ids.Citizen();

        var (missing, _) = await Send(HttpMethod.Post, "/v1/citizens:enroll", null, EnrollBody(citizenId, Ids.Key()));
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        var (unknown, _) = await Send(HttpMethod.Get, "/v1/policy", "not-a-key");
        Assert.Equal(HttpStatusCode.Unauthorized, unknown);
        Assert.False(await StateSnapshot.IsEnrolled(_server, citizenId));

        var (invalid, error) = await Send(HttpMethod.Post, "/v1/citizens:enroll", ApiKeys.BankA, EnrollBody("has space", Ids.Key()));
        Assert.Equal(HttpStatusCode.BadRequest, invalid);
        Assert.Equal(3, error.GetProperty("code").GetInt32()); // INVALID_ARGUMENT

        await _server.As(ApiKeys.BankA).Citizens.EnrollAsync(Requests.Enroll(citizenId));
        var (otherBank, _) = await Send(HttpMethod.Get, $"/v1/citizens/{citizenId}/statement", ApiKeys.BankB);
        Assert.Equal(HttpStatusCode.Forbidden, otherBank);
        var (notEnrolled, _) = await Send(HttpMethod.Get, $"/v1/citizens/{Ids.Citizen()}/statement", ApiKeys.Reviewer);
        Assert.Equal(HttpStatusCode.NotFound, notEnrolled);
        var (again, _) = await Send(HttpMethod.Post, "/v1/citizens:enroll", ApiKeys.BankA, EnrollBody(citizenId, Ids.Key()));
        Assert.Equal(HttpStatusCode.Conflict, again);
    }

    [Fact]
    public async Task Policy_fund_and_region_read_as_json()
    {
        var (policyStatus, policy) = await Send(HttpMethod.Get, "/v1/policy", ApiKeys.Auditor);
        Assert.Equal(HttpStatusCode.OK, policyStatus);
        Assert.Equal(1, policy.GetProperty("version").GetInt32());
        Assert.Equal((await _server.Policy()).CurrentPeriod, policy.GetProperty("currentPeriod").GetString());
        Assert.Contains("care", policy.GetProperty("contributionCategories").EnumerateArray().Select(e => e.GetString()));

        var (versionStatus, _) = await Send(HttpMethod.Get, "/v1/policy?version=99", ApiKeys.Auditor);
        Assert.Equal(HttpStatusCode.NotFound, versionStatus);

        var (fundStatus, fund) = await Send(HttpMethod.Get, "/v1/funds/national", ApiKeys.Auditor);
        Assert.Equal(HttpStatusCode.OK, fundStatus);
        Assert.Equal("national", fund.GetProperty("fundId").GetString());

        var (regionStatus, region) = await Send(HttpMethod.Get, "/v1/regions/R-NORTH", ApiKeys.Auditor);
        Assert.Equal(HttpStatusCode.OK, regionStatus);
        Assert.Equal("R-NORTH", region.GetProperty("regionId").GetString());
        var (bankRegion, _) = await Send(HttpMethod.Get, "/v1/regions/R-NORTH", ApiKeys.BankA);
        Assert.Equal(HttpStatusCode.Forbidden, bankRegion);
    }

    [Fact]
    public async Task A_treasury_inflow_posts_as_json()
    {
        var before = await _server.Fund();
        var body = new
        {
            idempotencyKey = Ids.Key(),
            source = "ai-dividend-levy",
            amount = new { minorUnits = "5000", currency = "EUR" },
            reference = "json-transfer-1",
        };

        var (status, receipt) = await Send(HttpMethod.Post, "/v1/funds/national/inflows", ApiKeys.Treasury, body);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5000, Int64(receipt.GetProperty("amount").GetProperty("minorUnits")));
        Assert.Equal(before.Inflows.MinorUnits + 5000, (await _server.Fund()).Inflows.MinorUnits);
    }
}
