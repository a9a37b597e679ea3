namespace KubeSim;

/// <summary>One endpoint of <see cref="KubeObjectStore.CreateEndpointSlice"/>: an IPv4 address, its node and its conditions.</summary>
public sealed record KubeEndpoint(string Address, string? NodeName = null, bool Ready = true, bool Serving = true, bool Terminating = false);
