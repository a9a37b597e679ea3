using Refit;
using SakuraLb.Sakura.Http;
using SakuraLb.Sakura.Wire;

namespace SakuraLb.Sakura.Api;

/// <summary>
/// The raw routes of the Sakura Cloud IaaS API 1.1 this controller uses, relative to
/// <c>{root}/{zone}/api/cloud/1.1/</c>. Searches carry their <see cref="SearchRequest"/> as a request
/// option; <see cref="RawJsonQueryHandler"/> turns it into the raw-JSON query string. Errors surface as
/// <see cref="SakuraApiException"/>. Prefer <see cref="ISakuraCloud"/>, which pages and interprets.
/// </summary>
internal interface ISakuraApi
{
    [Get("/auth-status")]
    Task<AuthStatus> GetAuthStatusAsync(CancellationToken cancellationToken);

    [Get("/internet")]
    Task<InternetListEnvelope> FindInternetAsync(
        [Property(RawJsonQueryHandler.OptionKey)] SearchRequest query, CancellationToken cancellationToken);

    [Get("/internet/{id}")]
    Task<InternetEnvelope> GetInternetAsync(long id, CancellationToken cancellationToken);

    [Get("/switch/{id}")]
    Task<SwitchEnvelope> GetSwitchAsync(long id, CancellationToken cancellationToken);

    [Get("/switch/{id}/server")]
    Task<ServerListEnvelope> ListSwitchServersAsync(
        long id, [Property(RawJsonQueryHandler.OptionKey)] SearchRequest query, CancellationToken cancellationToken);

    [Get("/server")]
    Task<ServerListEnvelope> FindServersAsync(
        [Property(RawJsonQueryHandler.OptionKey)] SearchRequest query, CancellationToken cancellationToken);

    [Get("/appliance")]
    Task<ApplianceListEnvelope> FindAppliancesAsync(
        [Property(RawJsonQueryHandler.OptionKey)] SearchRequest query, CancellationToken cancellationToken);

    [Get("/appliance/{id}")]
    Task<ApplianceEnvelope> GetApplianceAsync(long id, CancellationToken cancellationToken);

    [Post("/appliance")]
    Task<ApplianceEnvelope> CreateApplianceAsync([Body] ApplianceCreateEnvelope body, CancellationToken cancellationToken);

    [Put("/appliance/{id}")]
    Task<ApplianceEnvelope> UpdateApplianceAsync(long id, [Body] ApplianceUpdateEnvelope body, CancellationToken cancellationToken);

    [Put("/appliance/{id}/config")]
    Task ApplyConfigAsync(long id, CancellationToken cancellationToken);

    [Put("/appliance/{id}/power")]
    Task BootAsync(long id, CancellationToken cancellationToken);

    [Delete("/appliance/{id}/power")]
    Task ShutdownAsync(long id, [Body] ShutdownRequest body, CancellationToken cancellationToken);

    [Delete("/appliance/{id}")]
    Task DeleteApplianceAsync(long id, CancellationToken cancellationToken);

    [Get("/appliance/{id}/status")]
    Task<LoadBalancerStatusEnvelope> GetLoadBalancerStatusAsync(long id, CancellationToken cancellationToken);
}
