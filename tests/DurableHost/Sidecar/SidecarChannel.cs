using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace DurableHost.Sidecar;

/// <summary>
/// A gRPC channel to a sidecar whose port is known only once it listens (it binds port 0). The worker and the
/// client can be built with the channel before that; connections wait for <see cref="SetEndpoint"/>.
/// </summary>
internal sealed class SidecarChannel : IDisposable
{
    private readonly TaskCompletionSource<IPEndPoint> endpoint = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SidecarChannel()
    {
        Channel = GrpcChannel.ForAddress(
            "http://127.0.0.1",
            new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler
                {
                    ConnectCallback = ConnectAsync,
                    EnableMultipleHttp2Connections = true,
                },
                DisposeHttpClient = true,
            });
    }

    public GrpcChannel Channel { get; }

    public void SetEndpoint(IPEndPoint listening) => endpoint.TrySetResult(listening);

    public void Dispose()
    {
        endpoint.TrySetCanceled();
        Channel.Dispose();
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var target = await endpoint.Task.WaitAsync(cancellationToken);
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(target, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
