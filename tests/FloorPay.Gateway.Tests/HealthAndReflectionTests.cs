using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;

namespace FloorPay.Gateway.Tests;

/// <summary>Probes and tools work without an API key: the standard grpc.health.v1 service and server reflection.</summary>
[Collection(SharedServerCollection.Name)]
public sealed class HealthAndReflectionTests(SharedServerFixture fixture)
{
    private static readonly string[] FloorPayServices =
    [
        "floorpay.v1.Citizens", "floorpay.v1.Payouts", "floorpay.v1.Contributions", "floorpay.v1.Funds", "floorpay.v1.Regions", "floorpay.v1.Policies",
    ];

    private readonly FloorPayServer _server = fixture.Server;

    [Fact]
    public async Task Health_check_serves_without_a_key()
    {
        var health = new Health.HealthClient(_server.Invoker(null));

        var response = await health.CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Reflection_lists_the_floorpay_services_without_a_key()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_server.Invoker(null));
        using var call = reflection.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "floorpay.v1.Citizens" });
        await call.RequestStream.CompleteAsync();
        var responses = new List<ServerReflectionResponse>();
        await foreach (var r in call.ResponseStream.ReadAllAsync()) responses.Add(r);

        Assert.Equal(2, responses.Count);
        var listed = responses[0].ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.All(FloorPayServices, s => Assert.Contains(s, listed));
        Assert.Contains("grpc.health.v1.Health", listed);
        var files = responses[1].FileDescriptorResponse.FileDescriptorProto.Select(b => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(b));
        var file = Assert.Single(files, f => f.Package == "floorpay.v1");
        Assert.Contains(file.Service, s => s.Name == "Citizens" && s.Method.Any(m => m.Name == "Enroll"));
    }
}
