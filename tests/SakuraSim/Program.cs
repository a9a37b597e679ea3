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
    TimeScale = Read(config, "TimeScale", defaults.TimeScale, problems),
    RateLimitPerSecond = ReadInt(config, "RateLimitPerSecond", defaults.RateLimitPerSecond, problems),
    AccessToken = config["AccessToken"] ?? defaults.AccessToken,
    AccessTokenSecret = config["AccessTokenSecret"] ?? defaults.AccessTokenSecret,
    SeedDefaultTopology = ReadBool(config, "SeedDefaultTopology", defaults.SeedDefaultTopology, problems),
    MaxVipsPerLoadBalancer = ReadInt(config, "MaxVipsPerLoadBalancer", defaults.MaxVipsPerLoadBalancer, problems),
    MaxServersPerVip = ReadInt(config, "MaxServersPerVip", defaults.MaxServersPerVip, problems),
    IpClashCheck = ReadBool(config, "IpClashCheck", defaults.IpClashCheck, problems),
    DefaultPageSize = ReadInt(config, "DefaultPageSize", defaults.DefaultPageSize, problems),
    RandomSeed = config["RandomSeed"] is null ? null : ReadInt(config, "RandomSeed", 0, problems),
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

static double Read(IConfiguration config, string key, double fallback, List<string> problems)
{
    var text = config[key];
    if (text is null)
    {
        return fallback;
    }

    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
    {
        return value;
    }

    problems.Add($"{key} must be a number (was '{text}').");
    return fallback;
}

// A cast of a parsed double would turn 2.5 into 2 and 1e10 into int.MinValue without a word.
static int ReadInt(IConfiguration config, string key, int fallback, List<string> problems)
{
    var text = config[key];
    if (text is null)
    {
        return fallback;
    }

    if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
    {
        return value;
    }

    problems.Add($"{key} must be a whole number (was '{text}').");
    return fallback;
}

static bool ReadBool(IConfiguration config, string key, bool fallback, List<string> problems)
{
    var text = config[key];
    if (text is null)
    {
        return fallback;
    }

    if (bool.TryParse(text, out var value))
    {
        return value;
    }

    problems.Add($"{key} must be true or false (was '{text}').");
    return fallback;
}
