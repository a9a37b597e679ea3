namespace KubeSim.Tests;

/// <summary>An open watch over raw HTTP: reads one event line at a time with a deadline.</summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly HttpResponseMessage response;
    private readonly StreamReader reader;

    private WatchStream(HttpResponseMessage response, StreamReader reader)
    {
        this.response = response;
        this.reader = reader;
    }

    public int StatusCode => (int)response.StatusCode;

    public static async Task<WatchStream> OpenAsync(HttpClient http, string pathAndQuery, string? accept = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, pathAndQuery.TrimStart('/'));
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        return new WatchStream(response, reader);
    }

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<(string Type, JsonObject Object)?> NextAsync(TimeSpan? timeout = null)
    {
        // Generous: CI runs every test assembly at once on two cores.
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var line = await reader.ReadLineAsync(cts.Token);
        if (line is null)
        {
            return null;
        }

        var ev = JsonNode.Parse(line)!.AsObject();
        return (ev["type"]!.GetValue<string>(), ev["object"]!.AsObject());
    }

    /// <summary>The next event that is not a bookmark.</summary>
    public async Task<(string Type, JsonObject Object)> NextChangeAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var ev = await NextAsync(timeout) ?? throw new InvalidOperationException("the watch ended");
            if (ev.Type != "BOOKMARK")
            {
                return ev;
            }
        }
    }

    public async Task<string?> ReadToEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await reader.ReadToEndAsync(cts.Token);
    }

    public ValueTask DisposeAsync()
    {
        reader.Dispose();
        response.Dispose();
        return ValueTask.CompletedTask;
    }
}
