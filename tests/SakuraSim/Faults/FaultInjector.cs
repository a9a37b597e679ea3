using System.Text.Json.Nodes;

namespace SakuraSim.Faults;

/// <summary>What the faults decided for one request.</summary>
internal sealed record FaultDecision(TimeSpan Latency, FaultRule? Error, FaultAction? CreationOutcome)
{
    public static FaultDecision None { get; } = new(TimeSpan.Zero, null, null);
}

/// <summary>
/// Evaluates the configured faults in order. Every matching rule that fires adds its latency; the
/// first one with a status answers the request; action rules mark the creation's outcome. A rule
/// with a <c>count</c> is spent after firing that many times.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock gate = new();
    private readonly List<(FaultRule Rule, int? Remaining)> rules = [];
    private Random random;

    public FaultInjector(int? seed) => random = seed is { } s ? new Random(s) : new Random();

    public void Replace(IEnumerable<FaultRule> newRules, int? seed)
    {
        lock (gate)
        {
            rules.Clear();
            rules.AddRange(newRules.Select(r => (r, r.Count)));
            if (seed is { } s)
            {
                random = new Random(s);
            }
        }
    }

    public void Reseed(int seed)
    {
        lock (gate)
        {
            random = new Random(seed);
        }
    }

    public JsonArray ToJson()
    {
        lock (gate)
        {
            return new JsonArray(rules.Select(r => (JsonNode?)r.Rule.ToJson(r.Remaining)).ToArray());
        }
    }

    public FaultDecision Evaluate(string method, string zone, string path)
    {
        lock (gate)
        {
            if (rules.Count == 0)
            {
                return FaultDecision.None;
            }

            var latency = TimeSpan.Zero;
            FaultAction? outcome = null;
            for (var i = 0; i < rules.Count; i++)
            {
                var (rule, remaining) = rules[i];
                if (remaining == 0 || !rule.Applies(method, zone, path))
                {
                    continue;
                }

                if (rule.Probability < 1 && random.NextDouble() >= rule.Probability)
                {
                    continue;
                }

                if (remaining is { } left)
                {
                    rules[i] = (rule, left - 1);
                }

                latency += TimeSpan.FromMilliseconds(rule.LatencyMs);
                if (rule.Action != FaultAction.Error)
                {
                    outcome ??= rule.Action;
                }
                else if (rule.Status is not null)
                {
                    return new FaultDecision(latency, rule, outcome);
                }
            }

            return new FaultDecision(latency, null, outcome);
        }
    }
}
