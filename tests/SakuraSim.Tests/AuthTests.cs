namespace SakuraSim.Tests;

public sealed class AuthTests : SimulatorTests
{
    [Fact]
    public async Task Request_WithoutCredentials_Gets401WithRealErrorBody()
    {
        using var response = await Sim.Http.GetAsync(SimHarness.ApiPath("/server"));
        var result = await SimHarness.ReadAsync(response);

        AssertError(result, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("401 Unauthorized", Str(result.Json["status"]));
    }

    [Theory]
    [InlineData("test-token", "wrong")]
    [InlineData("wrong", "test-secret")]
    [InlineData("", "")]
    public async Task Request_WithWrongCredentials_Gets401(string token, string secret)
    {
        var result = await Sim.SendAsync(HttpMethod.Get, "/auth-status", credentials: (token, secret));

        AssertError(result, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Request_WithMalformedAuthorizationHeader_Gets401NotServerError()
    {
        var result = await Sim.SendAsync(HttpMethod.Get, "/auth-status",
            configure: r => r.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64"));

        AssertError(result, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task AuthStatus_WithValidCredentials_ReturnsDataWithoutWrapperKey()
    {
        var result = await Sim.GetAsync("/auth-status");

        AssertOk(result);
        var body = Assert.IsType<JsonObject>(result.Body);
        Assert.NotNull(body["Account"]?["ID"]);
        Assert.Equal("apikey", Str(body["AuthMethod"]));
        Assert.True(body["IsAPIKey"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ErrorMessage_WithAcceptLanguageEn_IsEnglish_AndJapaneseByDefault()
    {
        var english = await Sim.SendAsync(HttpMethod.Get, "/server/999", configure: r => r.Headers.AcceptLanguage.ParseAdd("en"));
        var japanese = await Sim.GetAsync("/server/999");

        Assert.StartsWith("The target was not found", AssertError(english, HttpStatusCode.NotFound, "not_found"), StringComparison.Ordinal);
        Assert.StartsWith("対象が見つかりません", AssertError(japanese, HttpStatusCode.NotFound, "not_found"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomCredentials_FromOptions_AreTheOnlyOnesAccepted()
    {
        await using var custom = await SimHarness.StartAsync(new SakuraSimulatorOptions
        {
            AccessToken = "tok",
            AccessTokenSecret = "sec",
            RateLimitPerSecond = 0,
        });

        AssertOk(await custom.SendAsync(HttpMethod.Get, "/auth-status", credentials: ("tok", "sec")));
        AssertError(await custom.GetAsync("/auth-status"), HttpStatusCode.Unauthorized, "unauthorized");
    }
}
