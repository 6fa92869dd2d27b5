using System.Net.Http.Headers;
using System.Text;
using FloorPay.Gateway.Auth;

namespace FloorPay.Silo.Observability;

/// <summary>
/// Who may open the Orleans Dashboard: only on the management listener, and only an auditor, by HTTP Basic
/// authentication with its participant id and API key. The dashboard shows grain state (citizens' records), so an
/// address that reaches the management port for scrapes is not enough.
/// </summary>
public sealed class DashboardAccess(int managementPort, ParticipantDirectory participants) : IEndpointFilter
{
    public const string Path = "/dashboard";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        // The API ports never serve it: as if it did not exist there.
        if (http.Connection.LocalPort != managementPort) return Results.NotFound();
        if (Auditor(http.Request.Headers.Authorization.ToString()) is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"FloorPay dashboard\", charset=\"UTF-8\"";
            return Results.Unauthorized();
        }
        return await next(context);
    }

    /// <summary>The auditor named by "Basic base64(id:api-key)", or null when the header names no auditor with that key.</summary>
    private Participant? Auditor(string header)
    {
        if (!AuthenticationHeaderValue.TryParse(header, out var value) || !value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) ||
            value.Parameter is null)
            return null;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter)); }
        catch (FormatException) { return null; }
        var colon = decoded.IndexOf(':');
        if (colon <= 0) return null;
        var participant = participants.Find(decoded[(colon + 1)..]);
        return participant is { Role: ParticipantRole.Auditor } && participant.Id == decoded[..colon] ? participant : null;
    }
}
