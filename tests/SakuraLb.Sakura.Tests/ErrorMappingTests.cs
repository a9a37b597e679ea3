using System.Text;

namespace SakuraLb.Sakura.Tests;

public sealed class ErrorMappingTests
{
    [Theory]
    [InlineData(400, "bad_request", SakuraErrorKind.BadRequest)]
    [InlineData(401, "unauthorized", SakuraErrorKind.Unauthorized)]
    [InlineData(403, "forbidden", SakuraErrorKind.Forbidden)]
    [InlineData(404, "not_found", SakuraErrorKind.NotFound)]
    [InlineData(409, "still_creating", SakuraErrorKind.StillCreating)]
    [InlineData(409, "STILL_CREATING", SakuraErrorKind.StillCreating)]
    [InlineData(409, "server_power_must_be_down", SakuraErrorKind.PowerMustBeDown)]
    [InlineData(409, "conflict", SakuraErrorKind.Conflict)]
    [InlineData(409, "disconnect_b4_delete", SakuraErrorKind.Conflict)]
    [InlineData(409, null, SakuraErrorKind.Conflict)]
    [InlineData(423, "locked", SakuraErrorKind.Locked)]
    [InlineData(503, "busy", SakuraErrorKind.Busy)]
    [InlineData(500, "internal", SakuraErrorKind.ServerError)]
    [InlineData(502, null, SakuraErrorKind.ServerError)]
    [InlineData(405, null, SakuraErrorKind.Other)]
    public void Classify_StatusAndCode_GiveTheKind(int status, string? code, SakuraErrorKind expected) =>
        Assert.Equal(expected, SakuraErrorClassifier.Classify((HttpStatusCode)status, code));

    [Theory]
    [InlineData("GET", "apiproxy_timeout", SakuraErrorKind.ServerError)]
    [InlineData("POST", "apiproxy_timeout_non_get", SakuraErrorKind.OutcomeUnknown)]
    [InlineData("PUT", null, SakuraErrorKind.OutcomeUnknown)]
    [InlineData("DELETE", "apiproxy_timeout", SakuraErrorKind.OutcomeUnknown)]
    [InlineData(null, "apiproxy_timeout_non_get", SakuraErrorKind.OutcomeUnknown)]
    [InlineData("POST", "too_many_request", SakuraErrorKind.ServerError)]
    public void Classify_GatewayTimeout_IsAnUnknownOutcomeForAWriteOnly(string? method, string? code, SakuraErrorKind expected)
    {
        // A 504 status is what makes it a timeout; the method says whether anything may have changed.
        var status = code == "too_many_request" ? HttpStatusCode.BadGateway : HttpStatusCode.GatewayTimeout;
        Assert.Equal(expected, SakuraErrorClassifier.Classify(status, code, method));
    }

    [Theory]
    [InlineData("too_many_request")]
    [InlineData("operation_failure")]
    [InlineData("service_temporarily_unavailable")]
    public void Classify_EveryDocumented503_IsBusy_AndTransient(string code)
    {
        var error = new SakuraApiException(HttpStatusCode.ServiceUnavailable, code, "not now", null, "POST", "/appliance");
        Assert.Equal((SakuraErrorKind.Busy, true), (error.Kind, error.IsTransient));
    }

    [Fact]
    public void RefitSettings_AnOpenCircuit_IsATransientBusyError()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://127.0.0.1:1/x/appliance");
        var settings = ServiceCollectionExtensions.CreateRefitSettings();

        var error = Assert.IsType<SakuraApiException>(settings.TransportExceptionFactory(request, new Polly.CircuitBreaker.BrokenCircuitException(), CancellationToken.None));

        Assert.Equal((SakuraErrorKind.Busy, "circuit_open"), (error.Kind, error.ErrorCode));
        Assert.True(CloudErrors.IsTransient(error));
    }

    [Fact]
    public async Task CreateAsync_ApiErrorBody_CarriesEveryPart()
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "http://127.0.0.1:1/cloud/zone/is1a/api/cloud/1.1/appliance/5/config?x");
        using var response = ScriptedHandler.Error(HttpStatusCode.Conflict, "still_creating", "being created");
        response.RequestMessage = request;

        var error = Assert.IsType<SakuraApiException>(await SakuraErrorMapper.CreateAsync(response));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("still_creating", error.ErrorCode);
        Assert.Equal("being created", error.ErrorMessage);
        Assert.Equal("0123456789abcdef0123456789abcdef", error.Serial);
        Assert.Equal(SakuraErrorKind.StillCreating, error.Kind);
        Assert.True(error.IsTransient);
        Assert.Equal("PUT", error.Method);
        Assert.Equal("/cloud/zone/is1a/api/cloud/1.1/appliance/5/config", error.Path);
        Assert.Contains("409 still_creating", error.Message, StringComparison.Ordinal);
        Assert.Contains("being created", error.Message, StringComparison.Ordinal);
        Assert.Contains("serial 0123456789abcdef0123456789abcdef", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body>Bad Gateway</body></html>", "<html><body>Bad Gateway</body></html>")]
    [InlineData("", "Bad Gateway")]
    [InlineData("{\"unexpected\":1}", "{\"unexpected\":1}")]
    [InlineData("{not json", "{not json")]
    public async Task CreateAsync_NonApiBody_KeepsAnExcerptAsTheMessage(string body, string expectedMessage)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent(body, Encoding.UTF8, "text/html"),
            ReasonPhrase = "Bad Gateway",
        };

        var error = Assert.IsType<SakuraApiException>(await SakuraErrorMapper.CreateAsync(response));

        Assert.Null(error.ErrorCode);
        Assert.Equal(expectedMessage, error.ErrorMessage);
        Assert.Equal(SakuraErrorKind.ServerError, error.Kind);
    }

    [Fact]
    public async Task CreateAsync_Success_ReturnsNull()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.Accepted);
        Assert.Null(await SakuraErrorMapper.CreateAsync(response));
    }

    [Fact]
    public async Task CreateAsync_HugeBody_IsCut()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent(new string('x', 5000)) };

        var error = Assert.IsType<SakuraApiException>(await SakuraErrorMapper.CreateAsync(response));

        Assert.True(error.ErrorMessage!.Length <= 501);
    }
}
