using System.Globalization;
using System.Text.RegularExpressions;
using SakuraLb.Model;

namespace SakuraLb.Relay.Delivery;

/// <summary>What the sender does after an answer.</summary>
public enum DeliveryVerdict
{
    /// <summary>2xx: stored by the function.</summary>
    Delivered,

    /// <summary>Unreachable, timeout, 408, 429, 5xx: keep the batch, retry with exponential backoff.</summary>
    Retry,

    /// <summary>401, 403, 404, 415, a 400 about the whole batch: a configuration problem retrying soon cannot fix; retry slowly and log loudly.</summary>
    RetrySlowly,

    /// <summary>413: send smaller batches; a single object that is still too large is dropped.</summary>
    TooLarge,

    /// <summary>400 naming objects of the batch: drop those (logged, counted), resend the rest.</summary>
    Invalid,
}

/// <summary>The objects a 400 answer blames.</summary>
public sealed record RejectedParts(IReadOnlySet<int> ServiceIndexes, bool NodeSet)
{
    public bool Any => ServiceIndexes.Count > 0 || NodeSet;
}

/// <summary>Pure classification of the function's answers (docs/protocol.md "Errors").</summary>
public static partial class DeliveryClassifier
{
    public static DeliveryVerdict Classify(FunctionResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.StatusCode switch
        {
            >= 200 and < 300 => DeliveryVerdict.Delivered,
            0 or 408 or 429 or >= 500 => DeliveryVerdict.Retry,
            413 => DeliveryVerdict.TooLarge,
            400 when Blamed(response.Errors).Any => DeliveryVerdict.Invalid,
            _ => DeliveryVerdict.RetrySlowly,
        };
    }

    /// <summary>A short label for metrics and logs.</summary>
    public static string Reason(FunctionResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.StatusCode switch
        {
            0 => "unreachable",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            408 or 429 => "throttled",
            413 => "too_large",
            400 => "invalid",
            415 => "unsupported_media_type",
            >= 500 => "server_error",
            _ => "rejected",
        };
    }

    /// <summary>The Service indexes (services[i]...) and whether the node set (nodes...) are named by the errors.</summary>
    public static RejectedParts Blamed(IReadOnlyList<FieldError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var indexes = new HashSet<int>();
        var nodes = false;
        foreach (var error in errors)
        {
            var match = ServicePath().Match(error.Path ?? "");
            if (match.Success)
            {
                indexes.Add(int.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture));
            }
            else if (error.Path is not null && (error.Path == "nodes" || error.Path.StartsWith("nodes.", StringComparison.Ordinal) || error.Path.StartsWith("nodes[", StringComparison.Ordinal)))
            {
                nodes = true;
            }
        }

        return new RejectedParts(indexes, nodes);
    }

    [GeneratedRegex(@"^services\[(\d{1,6})\]")]
    private static partial Regex ServicePath();
}
