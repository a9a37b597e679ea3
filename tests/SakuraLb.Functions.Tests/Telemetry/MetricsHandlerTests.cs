using SakuraLb.Functions.Telemetry;

namespace SakuraLb.Functions.Tests.Telemetry;

public sealed class MetricsHandlerTests
{
    [Theory]
    [InlineData("GET", "/cloud/zone/is1a/api/cloud/1.1/appliance/113200000009", "GET /appliance/{id}")]
    [InlineData("put", "/cloud/zone/is1a/api/cloud/1.1/appliance/113200000009/config", "PUT /appliance/{id}/config")]
    [InlineData("GET", "/cloud/zone/is1a/api/cloud/1.1/switch/112800000002/server", "GET /switch/{id}/server")]
    [InlineData("GET", "/cloud/zone/is1a/api/cloud/1.1/", "GET /")]
    public void Operation_ReplacesIdsAndDropsTheRoot(string method, string path, string expected) =>
        Assert.Equal(expected, SakuraRequestMetricsHandler.Operation(method, path));
}
