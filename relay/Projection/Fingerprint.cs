using System.Security.Cryptography;
using SakuraLb.Model;

namespace SakuraLb.Relay.Projection;

/// <summary>
/// A digest of a projection without its resourceVersion: equal digests mean "nothing the controller uses
/// changed", so the update is dropped. A digest (16 bytes) is kept instead of a second copy of the
/// snapshot, which keeps the cache small with thousands of objects.
/// </summary>
public static class Fingerprint
{
    public static UInt128 Of(ServiceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // The endpoints' revision moves with every slice event; only their node sets are content.
        return Digest(ModelJson.SerializeToUtf8Bytes(snapshot with
        {
            ResourceVersion = "",
            Generation = null,
            Endpoints = snapshot.Endpoints is { } endpoints ? endpoints with { Revision = "" } : null,
        }));
    }

    public static UInt128 Of(NodeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return Digest(ModelJson.SerializeToUtf8Bytes(snapshot with { ResourceVersion = "" }));
    }

    private static UInt128 Digest(ReadOnlySpan<byte> bytes)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, hash);
        return new UInt128(BitConverter.ToUInt64(hash), BitConverter.ToUInt64(hash[8..]));
    }
}
