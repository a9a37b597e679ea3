using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using SakuraLb.Functions.Ingest;

namespace SakuraLb.Functions.Triggers;

/// <summary>
/// The last line of every HTTP trigger: an exception its own handlers did not expect becomes a problem document
/// (500, no exception text) and an error log line, not a bare 500 from the host that the caller cannot parse.
/// </summary>
internal static class UnexpectedErrors
{
    public static async Task<IActionResult> GuardAsync(HttpRequest request, ILogger logger, Func<Task<IActionResult>> handle, CancellationToken cancellationToken)
    {
        try
        {
            return await handle();
        }
        catch (Exception ex) when (!(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            logger.RequestFailedUnexpectedly(ex, request.Method, request.Path);
            return Problems.Internal();
        }
    }
}
