using System.Buffers.Binary;
using System.IO.Compression;

namespace SakuraLb.Model.Transport;

/// <summary>
/// Request-body compression (docs/protocol.md, "Compression"). A whole-cluster node set grows to megabytes
/// of JSON at thousands of nodes but compresses several times over, so the relay sends large bodies with
/// <c>Content-Encoding: gzip</c>; the receiver inflates them with a cap so a small body cannot expand
/// without bound.
/// </summary>
public static class GzipBody
{
    public const string ContentEncoding = "gzip";

    public static byte[] Compress(ReadOnlySpan<byte> data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    /// <summary>Inflates <paramref name="compressed"/> unless it is not gzip or would exceed <paramref name="maxBytes"/>.</summary>
    public static GunzipResult Decompress(byte[] compressed, int maxBytes)
    {
        ArgumentNullException.ThrowIfNull(compressed);
        if (compressed.Length == 0)
        {
            // GZipStream reads an empty input as an empty stream; a declared gzip body must be a gzip stream.
            return new GunzipResult(GunzipOutcome.Invalid, null);
        }

        try
        {
            using var input = new MemoryStream(compressed);
            using var gzip = new GZipStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = gzip.Read(chunk)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    return new GunzipResult(GunzipOutcome.TooLarge, null);
                }

                output.Write(chunk, 0, read);
            }

            // GZipStream returns what it could inflate from a truncated stream without an error; the gzip
            // trailer's ISIZE (length mod 2^32, little-endian) tells a cut stream from a whole one.
            var declared = compressed.Length >= 18
                ? BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4))
                : uint.MaxValue;
            return declared == (uint)output.Length
                ? new GunzipResult(GunzipOutcome.Ok, output.ToArray())
                : new GunzipResult(GunzipOutcome.Invalid, null);
        }
        catch (InvalidDataException)
        {
            return new GunzipResult(GunzipOutcome.Invalid, null);
        }
    }
}

public enum GunzipOutcome
{
    Ok,

    /// <summary>The inflated data would exceed the cap.</summary>
    TooLarge,

    /// <summary>The bytes are not a valid gzip stream.</summary>
    Invalid,
}

/// <summary>The outcome of <see cref="GzipBody.Decompress"/>; <see cref="Data"/> is set only when Ok.</summary>
public sealed record GunzipResult(GunzipOutcome Outcome, byte[]? Data);
