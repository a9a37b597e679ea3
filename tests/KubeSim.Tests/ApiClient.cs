using System.Net.Http.Headers;
using System.Text;

namespace KubeSim.Tests;

/// <summary>Raw HTTP access to a simulator, the way any Kubernetes client talks to it.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient http;

    public ApiClient(Uri baseAddress) => http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public HttpClient Http => http;

    public Task<Response> GetAsync(string path, string? accept = null) => SendAsync(HttpMethod.Get, path, null, null, accept);

    public Task<Response> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json, "application/json");

    public Task<Response> PutAsync(string path, string json) => SendAsync(HttpMethod.Put, path, json, "application/json");

    public Task<Response> PatchAsync(string path, string json, string contentType) => SendAsync(HttpMethod.Patch, path, json, contentType);

    public Task<Response> DeleteAsync(string path, string? json = null) => SendAsync(HttpMethod.Delete, path, json, json is null ? null : "application/json");

    public async Task<Response> SendAsync(HttpMethod method, string path, string? body, string? contentType, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType ?? "application/json");
        }

        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new Response(response.StatusCode, text, response.Content.Headers.ContentType?.ToString());
    }

    /// <summary>Creates a LoadBalancer Service through the API and returns it.</summary>
    public async Task<JsonObject> CreateServiceAsync(string name, string ns = "default", string type = "LoadBalancer", string extra = "")
    {
        var r = await PostAsync($"/api/v1/namespaces/{ns}/services",
            $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}"{{{extra}}}},"spec":{"type":"{{{type}}}","selector":{"app":"{{{name}}}"},"ports":[{"port":80,"targetPort":8080}]}}""");
        Assert.Equal(HttpStatusCode.Created, r.Status);
        return r.Object;
    }

    public void Dispose() => http.Dispose();

    public sealed record Response(HttpStatusCode Status, string Body, string? ContentType)
    {
        public JsonObject Object => JsonNode.Parse(Body) as JsonObject ?? throw new InvalidOperationException("not an object: " + Body);

        public string Rv => Object["metadata"]!["resourceVersion"]!.GetValue<string>();
    }
}
