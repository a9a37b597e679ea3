using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using NSubstitute;
using SakuraLb.Functions.Triggers;

namespace SakuraLb.Functions.Tests.Triggers;

/// <summary>The checks every endpoint shares (size, signature, replay, content type): the same answer on all three.</summary>
public sealed class SignedRequestTests
{
    private const int MaxBodyBytes = 4096;

    private static readonly Dictionary<string, (string Method, string Path, string Body)> Endpoints = new()
    {
        ["events"] = ("POST", "/api/events", """{"version":1,"clusterId":"c-test","sentAt":"2026-11-26T14:00:00+00:00","services":[]}"""),
        ["status"] = ("GET", "/api/status", ""),
        ["resync"] = ("POST", "/api/resync", """{"version":1,"clusterId":"c-test"}"""),
    };

    public static TheoryData<string, string, int, string> Cases()
    {
        var data = new TheoryData<string, string, int, string>();
        foreach (var endpoint in Endpoints.Keys)
        {
            data.Add(endpoint, "unsigned", 401, "unauthorized");
            data.Add(endpoint, "wrong secret", 401, "unauthorized");
            data.Add(endpoint, "stale timestamp", 401, "unauthorized");
            data.Add(endpoint, "replayed nonce", 401, "unauthorized");
            data.Add(endpoint, "oversized", 413, "payload-too-large");
        }

        data.Add("events", "not JSON", 415, "unsupported-media-type");
        data.Add("resync", "not JSON", 415, "unsupported-media-type");
        return data;
    }

    private static Task<IActionResult> RunAsync(FunctionHarness harness, string endpoint, HttpRequest request) => endpoint switch
    {
        "events" => harness.Get<EventsFunction>().Run(request, harness.Client, CancellationToken.None),
        "status" => harness.Get<StatusFunction>().Run(request, harness.Client, CancellationToken.None),
        _ => harness.Get<ResyncFunction>().Run(request, harness.Client, CancellationToken.None),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task AnyEndpoint_BadRequest_IsTheSame4xxAndStartsOrStoresNothing(string endpoint, string kind, int expected, string slug)
    {
        using var harness = FunctionHarness.Create(new Dictionary<string, string?> { ["Ingest:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var (method, path, json) = Endpoints[endpoint];
        var body = Encoding.UTF8.GetBytes(kind == "oversized" ? json + new string(' ', MaxBodyBytes + 1) : json);
        HttpRequest Request(string? secret = SignedRequests.Secret, DateTimeOffset? signedAt = null, string? nonce = null, string contentType = "application/json") =>
            SignedRequests.Create(method, path, body, secret, signedAt, nonce, contentType);
        if (kind == "replayed nonce")
        {
            var nonce = Model.Signing.RequestSignature.NewNonce();
            Assert.InRange(TestApp.Read(await RunAsync(harness, endpoint, Request(nonce: nonce))).Status, 200, 299);
            harness.Client.ClearReceivedCalls();
            var (replayStatus, replayBody) = TestApp.Read(await RunAsync(harness, endpoint, Request(nonce: nonce)));
            Assert.Equal((expected, "https://github.com/sakuralb/errors/" + slug), (replayStatus, (string)JsonNode.Parse(replayBody)!["type"]!));
            Assert.Empty(harness.Starts());
            return;
        }

        var request = kind switch
        {
            "unsigned" => Request(secret: null),
            "wrong secret" => Request(secret: "another-secret-0123456789abcdef0123456789"),
            "stale timestamp" => Request(signedAt: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "not JSON" => Request(contentType: "text/plain"),
            _ => Request(),
        };

        var (status, problem) = TestApp.Read(await RunAsync(harness, endpoint, request));

        Assert.Equal(expected, status);
        Assert.Equal("https://github.com/sakuralb/errors/" + slug, (string)JsonNode.Parse(problem)!["type"]!);
        Assert.Empty(harness.Starts());
        Assert.Empty(await harness.Get<IDesiredStore>().ListAsync(FunctionHarness.ClusterId, default));
    }

    [Theory]
    [InlineData(60, 200)]
    [InlineData(-1, 401)]
    public async Task PreviousSecret_IsAcceptedOnlyUntilItsExpiry(int expiresInMinutes, int expected)
    {
        const string previous = "Tq3Wn8Ls1Vd6Kp0Zr5Hx9Bm2Jc7Gf4Ey";
        using var harness = FunctionHarness.Create(new Dictionary<string, string?>
        {
            ["Ingest:HmacSecretPrevious"] = previous,
            ["Ingest:HmacRotationEndsAt"] = DateTimeOffset.UtcNow.AddMinutes(expiresInMinutes).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });

        var (status, _) = TestApp.Read(await RunAsync(harness, "status", SignedRequests.Status(secret: previous)));

        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("true", 200)]
    [InlineData("false", 401)]
    public async Task SignatureV1_IsAcceptedOnlyWhileTheSettingAllowsIt(string accept, int expected)
    {
        using var harness = FunctionHarness.Create(new Dictionary<string, string?> { ["Ingest:AcceptSignatureV1"] = accept });
        var request = SignedRequests.Status();
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var nonce = Model.Signing.RequestSignature.NewNonce();
        request.Headers[Model.Signing.RequestSignature.TimestampHeader] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        request.Headers[Model.Signing.RequestSignature.NonceHeader] = nonce;
        request.Headers[Model.Signing.RequestSignature.SignatureHeader] =
            Model.Signing.RequestSignature.SignV1(Encoding.UTF8.GetBytes(SignedRequests.Secret), timestamp, nonce, "GET", "/api/status", []);

        var (status, _) = TestApp.Read(await RunAsync(harness, "status", request));

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task SignatureV2_ForAnotherCluster_IsForbidden()
    {
        using var harness = FunctionHarness.Create();

        var (status, problem) = TestApp.Read(await RunAsync(harness, "status", SignedRequests.Create("GET", "/api/status", [], clusterId: "other-cluster")));

        Assert.Equal(403, status);
        Assert.Contains("other-cluster", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignatureV2_ContentEncodingAddedInTransit_IsRefused()
    {
        using var harness = FunctionHarness.Create();
        var (_, path, json) = Endpoints["events"];
        var request = SignedRequests.Create("POST", path, Encoding.UTF8.GetBytes(json));
        request.Headers.ContentEncoding = "gzip";

        var (status, _) = TestApp.Read(await RunAsync(harness, "events", request));

        Assert.Equal(401, status);
    }
}
