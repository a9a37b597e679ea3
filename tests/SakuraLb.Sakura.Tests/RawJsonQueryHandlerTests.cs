namespace SakuraLb.Sakura.Tests;

public sealed class RawJsonQueryHandlerTests
{
    private static readonly Uri Base = new("http://127.0.0.1:1/cloud/zone/is1a/api/cloud/1.1/server");

    [Fact]
    public void Apply_PutsTheJsonAfterTheQuestionMark_WithNoKey()
    {
        var uri = RawJsonQueryHandler.Apply(Base, new SearchRequest { From = 0, Count = 100 });

        Assert.StartsWith(Base.AbsoluteUri + "?%7B", uri.AbsoluteUri, StringComparison.Ordinal);
        Assert.DoesNotContain("=", uri.Query, StringComparison.Ordinal);
        Assert.Equal("""{"From":0,"Count":100}""", Uri.UnescapeDataString(uri.Query[1..]));
    }

    [Theory]
    [InlineData("worker 01", "worker%2001")]
    [InlineData("@k8s.ClusterID=default", "%40k8s.ClusterID%3Ddefault")]
    [InlineData("a+b&c#d", "a%2Bb%26c%23d")]
    [InlineData("ろーど", "%E3%82%8D%E3%83%BC%E3%81%A9")]
    public void FilterValues_ArePathEscaped_AndDecodeOnceToTheOriginal(string value, string escapedValue)
    {
        var filter = new SearchFilter().ExactAny("Name", [value]).Build();
        var uri = RawJsonQueryHandler.Apply(Base, new SearchRequest { Filter = filter });

        // On the wire: no raw space, plus, ampersand or hash anywhere in the query.
        Assert.DoesNotMatch("[ +&#\"{}\\[\\]]", uri.Query[1..]);
        Assert.Contains(escapedValue, uri.Query, StringComparison.Ordinal);

        // A server decoding the whole query once gets JSON whose value is the original text.
        var decoded = JsonNode.Parse(Uri.UnescapeDataString(uri.Query[1..]))!;
        Assert.Equal(value, (string?)decoded["Filter"]!["Name"]![0]);
    }

    [Fact]
    public void HasAllTags_WritesANestedArray_SortedAndDistinct()
    {
        var filter = new SearchFilter().HasAllTags(["@k8s.Service=b", "@k8s", "@k8s"]).Build();
        var decoded = JsonNode.Parse(Uri.UnescapeDataString(
            RawJsonQueryHandler.Apply(Base, new SearchRequest { Filter = filter }).Query[1..]))!;

        var outer = decoded["Filter"]!["Tags.Name"]!.AsArray();
        var inner = Assert.Single(outer)!.AsArray();
        Assert.Equal(["@k8s", "@k8s.Service=b"], inner.Select(n => (string?)n));
    }

    [Fact]
    public void Partial_WritesAString_ExactAnyWritesAnArray()
    {
        var filter = new SearchFilter().Partial("Class", "loadbalancer").ExactAny("Name", ["a", "b"]).Build()!;

        Assert.Equal(System.Text.Json.JsonValueKind.String, filter["Class"]!.GetValueKind());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, filter["Name"]!.GetValueKind());
    }

    [Fact]
    public void EmptyFilter_BuildsNull() => Assert.Null(new SearchFilter().HasAllTags([]).Build());

    [Fact]
    public void Apply_UriThatAlreadyHasAQuery_Throws() =>
        Assert.Throws<InvalidOperationException>(() => RawJsonQueryHandler.Apply(new Uri(Base + "?x"), new SearchRequest()));

    [Fact]
    public async Task SendAsync_RequestOptionCarriesTheSearch_HandlerRewritesTheUri()
    {
        var inner = new ScriptedHandler((_, _) => ScriptedHandler.Json(System.Net.HttpStatusCode.OK, "{}"));
        using var client = new HttpClient(new RawJsonQueryHandler { InnerHandler = inner });
        using var request = new HttpRequestMessage(HttpMethod.Get, Base);
        request.Options.Set(new HttpRequestOptionsKey<object>(RawJsonQueryHandler.OptionKey), new SearchRequest { Count = 7 });

        using var _ = await client.SendAsync(request);

        var sent = Assert.Single(inner.Received).Request.RequestUri!;
        Assert.Equal("""{"Count":7}""", Uri.UnescapeDataString(sent.Query[1..]));
    }
}
