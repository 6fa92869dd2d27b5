namespace FloorPay.Grains.Tests;

[GenerateSerializer, Alias("floorpay.tests.TestState")]
public sealed class TestState
{
    [Id(0)] public int Value { get; set; }
}
