using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Options;

namespace SakuraLb.Sakura.Http;

/// <summary>
/// Adds HTTP Basic authentication: user = access token, password = access token secret.
/// </summary>
internal sealed class BasicAuthHandler(IOptions<SakuraClientOptions> options) : DelegatingHandler
{
    private readonly AuthenticationHeaderValue header = Create(options.Value);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Headers.Authorization = header;
        return base.SendAsync(request, cancellationToken);
    }

    internal static AuthenticationHeaderValue Create(SakuraClientOptions options)
    {
        var raw = Encoding.UTF8.GetBytes($"{options.AccessToken}:{options.AccessTokenSecret}");
        return new AuthenticationHeaderValue("Basic", Convert.ToBase64String(raw));
    }
}

/// <summary>
/// Adds the headers the official clients send: big integers as JSON numbers, English messages,
/// our User-Agent, and <c>X-Requested-With</c>.
/// </summary>
internal sealed class SakuraHeadersHandler : DelegatingHandler
{
    /// <summary><c>sakuralb-controller/&lt;version&gt;</c>.</summary>
    public static string UserAgent { get; } = $"sakuralb-controller/{Version()}";

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = request.Headers;
        headers.Remove("X-Sakura-Bigint-As-Int");
        headers.TryAddWithoutValidation("X-Sakura-Bigint-As-Int", "1");
        headers.Remove("X-Requested-With");
        headers.TryAddWithoutValidation("X-Requested-With", "XMLHttpRequest");
        headers.AcceptLanguage.Clear();
        headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("en"));
        headers.UserAgent.Clear();
        headers.TryAddWithoutValidation("User-Agent", UserAgent);
        if (headers.Accept.Count == 0)
        {
            headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        }

        return base.SendAsync(request, cancellationToken);
    }

    private static string Version()
    {
        var assembly = typeof(SakuraHeadersHandler).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var version = informational ?? assembly.GetName().Version?.ToString() ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}
