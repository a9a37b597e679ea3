using System.Text;

namespace SakuraLb.Sakura.Tests;

public sealed class HeadersHandlerTests
{
    [Fact]
    public async Task Pipeline_SendsTheOfficialClientHeaders_AndBasicAuth()
    {
        var inner = new ScriptedHandler((_, _) => ScriptedHandler.Json(HttpStatusCode.OK, "{}"));
        var options = TestOptions.Wrap(TestOptions.Valid(o =>
        {
            o.AccessToken = "0f1e2d3c-aaaa-bbbb-cccc-000000000000";
            o.AccessTokenSecret = "s3cr:et";
        }));
        using var client = new HttpClient(new SakuraHeadersHandler { InnerHandler = new BasicAuthHandler(options) { InnerHandler = inner } });

        using var _ = await client.GetAsync("http://127.0.0.1:1/cloud/zone/is1a/api/cloud/1.1/auth-status");

        var headers = Assert.Single(inner.Received).Request.Headers;
        Assert.Equal("1", Assert.Single(headers.GetValues("X-Sakura-Bigint-As-Int")));
        Assert.Equal("XMLHttpRequest", Assert.Single(headers.GetValues("X-Requested-With")));
        Assert.Equal("en", Assert.Single(headers.AcceptLanguage).Value);
        Assert.Matches(@"^sakuralb-controller/\d+\.\d+", string.Join(" ", headers.GetValues("User-Agent")));
        Assert.Equal("Basic", headers.Authorization?.Scheme);
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(headers.Authorization!.Parameter!));
        Assert.Equal("0f1e2d3c-aaaa-bbbb-cccc-000000000000:s3cr:et", decoded);
    }

    [Fact]
    public void UserAgent_HasNoBuildMetadata() =>
        Assert.DoesNotContain("+", SakuraHeadersHandler.UserAgent, StringComparison.Ordinal);
}
