using System.IO.Compression;
using Azure.Data.Tables;
using SakuraLb.Model.Transport;

namespace SakuraLb.Functions.Storage;

/// <summary>
/// Stores a JSON payload in table-entity properties: gzip-compressed, split into binary properties of at most
/// <see cref="ChunkBytes"/> (a property holds at most 64 KiB, an entity at most 1 MiB). 5,000 nodes of about
/// 400 bytes of JSON each compress to roughly 150 KiB, three chunks.
/// </summary>
public static class PayloadCodec
{
    /// <summary>Bytes per property, under the 64 KiB property limit.</summary>
    public const int ChunkBytes = 60 * 1024;

    /// <summary>Chunks per entity: 15 × 60 KiB leaves room for the other properties under 1 MiB.</summary>
    public const int MaxChunks = 15;

    public static byte[] Decompress(byte[] compressed)
    {
        using var input = new MemoryStream(compressed);
        using var gzip = new GZipStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }

    /// <summary>Throws <see cref="PayloadTooLargeException"/> when the payload cannot be stored even compressed.</summary>
    public static byte[] EnsureFits(ReadOnlySpan<byte> json, string what)
    {
        var compressed = GzipBody.Compress(json);
        if (compressed.Length > ChunkBytes * MaxChunks)
        {
            throw new PayloadTooLargeException(
                $"The {what} is {json.Length} bytes of JSON ({compressed.Length} compressed); at most {ChunkBytes * MaxChunks} compressed bytes fit one table row.");
        }

        return compressed;
    }

    /// <summary>Writes <paramref name="json"/> as properties <c>{name}0</c>…<c>{name}N</c> plus <c>{name}Chunks</c>.</summary>
    public static void Write(TableEntity entity, string name, ReadOnlySpan<byte> json, string what)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var compressed = EnsureFits(json, what);
        var chunks = 0;
        for (var offset = 0; offset < compressed.Length || chunks == 0; offset += ChunkBytes)
        {
            var length = Math.Min(ChunkBytes, compressed.Length - offset);
            entity[name + chunks.ToString(System.Globalization.CultureInfo.InvariantCulture)] = compressed.AsSpan(offset, length).ToArray();
            chunks++;
        }

        entity[name + "Chunks"] = chunks;
    }

    /// <summary>Reads what <see cref="Write"/> wrote; null when the entity has no such payload.</summary>
    public static byte[]? Read(TableEntity entity, string name)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (entity.GetInt32(name + "Chunks") is not { } chunks)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        for (var i = 0; i < chunks; i++)
        {
            var part = entity.GetBinary(name + i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                ?? throw new InvalidDataException($"Stored payload {name} of {entity.PartitionKey}/{entity.RowKey} lacks chunk {i} of {chunks}.");
            buffer.Write(part);
        }

        return Decompress(buffer.ToArray());
    }

    /// <summary>The property names a payload occupies (to select them in a query).</summary>
    public static IEnumerable<string> PropertyNames(string name) =>
        Enumerable.Range(0, MaxChunks).Select(i => name + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(name + "Chunks");
}
