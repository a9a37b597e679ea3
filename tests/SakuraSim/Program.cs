using System.Globalization;
using SakuraSim;

// Standalone entry point: the same start-up as the in-process SakuraSimulator.StartAsync, with
// options from the command line (--urls, --time-scale, --rate-limit, ...) or SAKURASIM_* variables.
var switches = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--urls"] = "Urls",
    ["--time-scale"] = "TimeScale",
    ["--rate-limit"] = "RateLimitPerSecond",
    ["--token"] = "AccessToken",
    ["--secret"] = "AccessTokenSecret",
    ["--seed-default-topology"] = "SeedDefaultTopology",
    ["--default-router-tags"] = "DefaultRouterTags",
    ["--max-vips"] = "MaxVipsPerLoadBalancer",
    ["--max-servers-per-vip"] = "MaxServersPerVip",
    ["--ip-clash-check"] = "IpClashCheck",
    ["--default-page-size"] = "DefaultPageSize",
    ["--random-seed"] = "RandomSeed",
};

IConfiguration config;
try
{
    config = new ConfigurationBuilder()
        .AddEnvironmentVariables("SAKURASIM_")
        .AddCommandLine(args, switches)
        .Build();
}
catch (FormatException ex)
{
    await Console.Error.WriteLineAsync($"sakura-sim: {ex.Message}");
    return 2;
}

var problems = new List<string>();
var defaults = new SakuraSimulatorOptions();
var options = defaults with
{
    Urls = config["Urls"] ?? "http://127.0.0.1:8080",
    TimeScale = Read(config, "TimeScale", defaults.TimeScale, ParseNumber, "a number", problems),
    RateLimitPerSecond = Read(config, "RateLimitPerSecond", defaults.RateLimitPerSecond, ParseInt, "a whole number", problems),
    AccessToken = config["AccessToken"] ?? defaults.AccessToken,
    AccessTokenSecret = config["AccessTokenSecret"] ?? defaults.AccessTokenSecret,
    SeedDefaultTopology = Read(config, "SeedDefaultTopology", defaults.SeedDefaultTopology, ParseBool, "true or false", problems),
    DefaultRouterTags = config["DefaultRouterTags"] is { } routerTags ? [.. routerTags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)] : defaults.DefaultRouterTags,
    MaxVipsPerLoadBalancer = Read(config, "MaxVipsPerLoadBalancer", defaults.MaxVipsPerLoadBalancer, ParseInt, "a whole number", problems),
    MaxServersPerVip = Read(config, "MaxServersPerVip", defaults.MaxServersPerVip, ParseInt, "a whole number", problems),
    IpClashCheck = Read(config, "IpClashCheck", defaults.IpClashCheck, ParseBool, "true or false", problems),
    DefaultPageSize = Read(config, "DefaultPageSize", defaults.DefaultPageSize, ParseInt, "a whole number", problems),
    RandomSeed = config["RandomSeed"] is null ? null : Read(config, "RandomSeed", 0, ParseInt, "a whole number", problems),
    EnableConsoleLogging = true,
};
problems.AddRange(options.Validate());
if (problems.Count > 0)
{
    foreach (var problem in problems)
    {
        await Console.Error.WriteLineAsync($"sakura-sim: {problem}");
    }

    return 2;
}

await using var simulator = await SakuraSimulator.StartAsync(options);
await simulator.WaitForShutdownAsync();
return 0;

// Each option is parsed by its own type: a cast of a parsed double would turn 2.5 into 2 and 1e10 into
// int.MinValue without a word.
static T Read<T>(IConfiguration config, string key, T fallback, Func<string, T?> parse, string expected, List<string> problems)
    where T : struct
{
    var text = config[key];
    if (text is null)
    {
        return fallback;
    }

    if (parse(text) is { } value)
    {
        return value;
    }

    problems.Add($"{key} must be {expected} (was '{text}').");
    return fallback;
}

static double? ParseNumber(string text) =>
    double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

static int? ParseInt(string text) =>
    int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

static bool? ParseBool(string text) => bool.TryParse(text, out var value) ? value : null;
