using Xunit;

namespace SakuraLb.Testing;

/// <summary>A test that runs only when SAKURALB_BENCHMARKS=1 (they take minutes and measure, rather than check).</summary>
public sealed class BenchmarkFactAttribute : FactAttribute
{
    public BenchmarkFactAttribute()
    {
        if (!Enabled)
        {
            Skip = "benchmark: set SAKURALB_BENCHMARKS=1 to run";
        }
    }

    /// <summary>Whether SAKURALB_BENCHMARKS=1 asks for the benchmarks.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("SAKURALB_BENCHMARKS") == "1";
}
