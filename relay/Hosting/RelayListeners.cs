using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SakuraLb.Relay.Hosting;

/// <summary>
/// The relay's two listeners: the public one (probes, the metrics scrape) and the operator one, bound to
/// 127.0.0.1 inside the pod. <c>kubectl port-forward</c> connects from inside the pod's network namespace, so an
/// operator reaches the loopback listener; other pods cannot, so they cannot make the relay resend everything and
/// start cluster-wide cloud reads.
/// </summary>
public sealed class RelayListeners
{
    private ListenOptions? operatorListener;

    /// <summary>The operator listener's bound address (its port is known once the server started).</summary>
    public IPEndPoint? OperatorEndPoint => operatorListener?.IPEndPoint;

    /// <summary>Binds the public listener on <paramref name="publicAddress"/> and the operator listener on loopback.</summary>
    public void Configure(KestrelServerOptions kestrel, IPAddress publicAddress, int publicPort, int operatorPort)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Listen(publicAddress, publicPort);
        kestrel.Listen(IPAddress.Loopback, operatorPort, listen => operatorListener = listen);
    }

    /// <summary>Whether the request came in through the operator listener.</summary>
    public bool IsOperator(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return OperatorEndPoint is { } endPoint
            && http.Connection.LocalPort == endPoint.Port
            && http.Connection.LocalIpAddress is { } local
            && IPAddress.IsLoopback(local);
    }
}
