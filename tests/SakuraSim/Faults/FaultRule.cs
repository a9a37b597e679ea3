using System.Text.Json;
using System.Text.Json.Nodes;
using SakuraSim.Wire;

namespace SakuraSim.Faults;

internal enum FaultAction
{
    /// <summary>Answer with <see cref="FaultRule.Status"/> and the error body instead of handling the request.</summary>
    Error,

    /// <summary>On <c>POST /appliance</c>: accept, but the appliance ends migrating as <c>failed</c>.</summary>
    FailCreation,

    /// <summary>On <c>POST /appliance</c>: accept, but the appliance ends migrating powered off (the real API does this now and then).</summary>
    CreatePoweredOff,
}

/// <summary>When an injected error happens relative to the request's own work.</summary>
internal enum FaultEffect
{
    /// <summary>The request fails before it does anything: nothing changed.</summary>
    Before,

    /// <summary>
    /// The request is carried out, then its answer is lost and the error comes instead (a 504
    /// <c>apiproxy_timeout_non_get</c> says exactly this: the request may have run).
    /// </summary>
    After,
}

/// <summary>One entry of <c>PUT /_sim/config</c> <c>faults</c>.</summary>
internal sealed record FaultRule(
    string? Method,
    string Path,
    string? Zone,
    int? Status,
    string? ErrorCode,
    string? ErrorMessage,
    double Probability,
    int? Count,
    int LatencyMs,
    FaultAction Action,
    FaultEffect Effect = FaultEffect.Before)
{
    public static FaultRule? Parse(JsonNode? node, int index, List<string> errors)
    {
        var at = $"faults[{index}]";
        if (node is not JsonObject obj)
        {
            errors.Add($"{at} must be an object");
            return null;
        }

        var before = errors.Count;
        var method = JsonRead.GetString(obj["method"]);
        if (method is "*" or "")
        {
            method = null;
        }

        var path = JsonRead.GetString(obj["path"]) ?? "*";
        if (!path.StartsWith('/') && !path.StartsWith('*'))
        {
            errors.Add($"{at}.path must be a glob relative to the API root, such as /appliance/*/config");
        }

        var zone = JsonRead.GetString(obj["zone"]);

        var action = FaultAction.Error;
        if (JsonRead.GetString(obj["action"]) is { } actionText)
        {
            if (!Enum.TryParse(actionText, ignoreCase: true, out action) || !Enum.IsDefined(action))
            {
                errors.Add($"{at}.action must be one of error, failCreation, createPoweredOff");
            }
        }

        int? status = null;
        if (obj["status"] is not null)
        {
            if (!JsonRead.TryGetInt(obj["status"], out var s) || s is < 400 or > 599)
            {
                errors.Add($"{at}.status must be an HTTP error status (400-599)");
            }
            else
            {
                status = s;
            }
        }

        var errorCode = JsonRead.GetString(obj["errorCode"]);
        if (status is null && errorCode is not null)
        {
            if (!ErrorCatalog.IsKnown(errorCode))
            {
                errors.Add($"{at}: give a status with the unknown errorCode '{errorCode}'");
            }
            else
            {
                status = ErrorCatalog.StatusOf(errorCode);
            }
        }

        var probability = 1.0;
        // Kind first: AsValue() on an object or array would throw and turn bad input into a 500.
        if (obj["probability"] is { } p
            && (JsonRead.Kind(p) != JsonValueKind.Number || !p.AsValue().TryGetValue(out probability) || probability is < 0 or > 1))
        {
            errors.Add($"{at}.probability must be a number between 0 and 1");
        }

        int? count = null;
        if (obj["count"] is not null)
        {
            if (!JsonRead.TryGetInt(obj["count"], out var c) || c < 0)
            {
                errors.Add($"{at}.count must be a non-negative integer or null");
            }
            else
            {
                count = c;
            }
        }

        var latency = 0;
        if (obj["latencyMs"] is not null && (!JsonRead.TryGetInt(obj["latencyMs"], out latency) || latency < 0))
        {
            errors.Add($"{at}.latencyMs must be a non-negative integer");
        }

        if (action == FaultAction.Error && status is null && latency == 0)
        {
            errors.Add($"{at} does nothing: give a status, a latencyMs or an action");
        }

        var effect = FaultEffect.Before;
        if (obj["effect"] is { } effectNode)
        {
            var effectText = JsonRead.Kind(effectNode) == JsonValueKind.String ? effectNode.GetValue<string>().ToUpperInvariant() : null;
            effect = effectText switch
            {
                "BEFORE" => FaultEffect.Before,
                "AFTER" => FaultEffect.After,
                _ => Invalid(errors, $"{at}.effect must be before or after", FaultEffect.Before),
            };
            if (effect == FaultEffect.After && (status is null || action != FaultAction.Error))
            {
                errors.Add($"{at}.effect after needs a status (the error that replaces the answer)");
            }
        }

        if (errors.Count > before)
        {
            return null;
        }

        return new FaultRule(
            method?.ToUpperInvariant(),
            path,
            zone,
            action == FaultAction.Error ? status : null,
            // A status-only 504 gets its code per request (GET or not), so it stays null here.
            status is { } st && action == FaultAction.Error ? errorCode ?? (st == 504 ? null : ErrorCatalog.DefaultCodeFor(st)) : null,
            JsonRead.GetString(obj["errorMessage"]),
            probability,
            count,
            latency,
            action,
            effect);
    }

    private static T Invalid<T>(List<string> errors, string message, T value)
    {
        errors.Add(message);
        return value;
    }

    /// <summary>The error code this rule answers <paramref name="method"/> with.</summary>
    public string CodeFor(string method) => ErrorCode ?? ErrorCatalog.DefaultCodeFor(Status ?? 500, method);

    public bool Applies(string method, string zone, string path) =>
        (Method is null || Method == method)
        && (Zone is null || Zone == zone)
        && Glob.IsMatch(Path, path);

    public JsonObject ToJson(int? remaining) => new()
    {
        ["method"] = Method,
        ["path"] = Path,
        ["zone"] = Zone,
        ["status"] = Status,
        ["errorCode"] = ErrorCode,
        ["errorMessage"] = ErrorMessage,
        ["probability"] = Probability,
        ["count"] = remaining,
        ["latencyMs"] = LatencyMs,
        ["action"] = Action switch
        {
            FaultAction.FailCreation => "failCreation",
            FaultAction.CreatePoweredOff => "createPoweredOff",
            _ => "error",
        },
        ["effect"] = Effect == FaultEffect.After ? "after" : "before",
    };
}
