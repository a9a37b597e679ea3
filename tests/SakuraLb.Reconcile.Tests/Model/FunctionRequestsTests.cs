using System.Text;
using SakuraLb.Model.Signing;
using SakuraLb.Model.Transport;

namespace SakuraLb.Reconcile.Tests.Model;

public sealed class FunctionRequestsTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("s3cret-0123456789abcdef0123456789");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>Verifies a built request the way the function app does: from the headers as they are on the wire.</summary>
    private static SignatureCheck VerifyAsReceived(HttpRequestMessage request, byte[] body, string clusterId = "prod-1")
    {
        static string? Header(HttpRequestMessage r, string name) => r.Headers.TryGetValues(name, out var values) ? values.Single() : null;
        var fields = new SignedFields(
            request.Method.Method,
            request.RequestUri!.AbsolutePath,
            clusterId,
            request.Content?.Headers.ContentType?.ToString() ?? "",
            string.Join(",", request.Content?.Headers.ContentEncoding ?? []));
        return RequestSignature.Verify(
            [Secret],
            Header(request, RequestSignature.TimestampHeader),
            Header(request, RequestSignature.NonceHeader),
            Header(request, RequestSignature.SignatureHeader),
            fields,
            body,
            Now,
            TimeSpan.FromMinutes(5),
            acceptV1: false);
    }

    [Fact]
    public void Create_Post_CarriesKeyClusterAndASignatureOverTheBodyAndContentHeaders()
    {
        var body = Encoding.UTF8.GetBytes("{\"version\":1}");
        using var request = FunctionRequests.Create(HttpMethod.Post, new Uri("https://fn.example/api/events"), "key-1", "prod-1", Secret, Now, body);

        Assert.Equal("key-1", request.Headers.GetValues(FunctionRequests.FunctionsKeyHeader).Single());
        Assert.Equal("prod-1", request.Headers.GetValues(RequestSignature.ClusterHeader).Single());
        Assert.Equal("1800000000", request.Headers.GetValues(RequestSignature.TimestampHeader).Single());
        Assert.Equal(FunctionRequests.JsonContentType, request.Content!.Headers.ContentType!.ToString());
        Assert.Equal(SignatureCheck.Valid, VerifyAsReceived(request, body));
    }

    [Fact]
    public void Create_EncodedBody_SignsAndSendsTheContentEncoding()
    {
        var body = GzipBody.Compress(Encoding.UTF8.GetBytes("{\"version\":1}"));
        using var request = FunctionRequests.Create(HttpMethod.Post, new Uri("https://fn.example/api/events"), "key-1", "prod-1", Secret, Now, body, GzipBody.ContentEncoding);

        Assert.Equal([GzipBody.ContentEncoding], request.Content!.Headers.ContentEncoding);
        Assert.Equal(SignatureCheck.Valid, VerifyAsReceived(request, body));
    }

    [Fact]
    public void Create_Get_HasNoContentAndSignsEmptyContentHeaders()
    {
        using var request = FunctionRequests.Create(HttpMethod.Get, new Uri("https://fn.example/base/api/status?x=1"), "key-1", "prod-1", Secret, Now);

        Assert.Null(request.Content);
        Assert.Equal(SignatureCheck.Valid, VerifyAsReceived(request, []));
    }

    [Fact]
    public void Create_SignatureDoesNotVerifyForAnotherCluster()
    {
        var body = Encoding.UTF8.GetBytes("{}");
        using var request = FunctionRequests.Create(HttpMethod.Post, new Uri("https://fn.example/api/resync"), "key-1", "prod-1", Secret, Now, body);

        Assert.Equal(SignatureCheck.Mismatch, VerifyAsReceived(request, body, clusterId: "prod-2"));
    }

    [Fact]
    public void Create_TwoRequests_HaveDistinctNonces()
    {
        using var first = FunctionRequests.Create(HttpMethod.Get, new Uri("https://fn.example/api/status"), "k", "prod-1", Secret, Now);
        using var second = FunctionRequests.Create(HttpMethod.Get, new Uri("https://fn.example/api/status"), "k", "prod-1", Secret, Now);

        Assert.NotEqual(first.Headers.GetValues(RequestSignature.NonceHeader).Single(), second.Headers.GetValues(RequestSignature.NonceHeader).Single());
    }
}
