namespace SakuraSim.Wire;

/// <summary>
/// Error codes with their HTTP status and the real API's messages (the codes this API shares with every
/// Sakura Cloud resource, with the Japanese texts Sakura's own SDK, saklient, maps). The Japanese text is
/// the default; <c>Accept-Language: en</c> selects English, as the real API does (the English wording of
/// the codes only saklient knows is ours).
/// </summary>
internal static class ErrorCatalog
{
    private sealed record Entry(int Status, string Japanese, string English);

    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal)
    {
        ["bad_request"] = new(400,
            "不適切な要求です。パラメータの指定誤り、入力規則違反です。入力内容をご確認ください。",
            "Bad request. A parameter is wrong or breaks an input rule. Please check your input."),
        ["unauthorized"] = new(401,
            "ユーザ認証に失敗しました。アクセストークンまたはシークレットをご確認ください。",
            "Authentication failed. Please check the access token and secret."),
        ["forbidden"] = new(403,
            "要求された操作は許可されていません。",
            "The requested operation is not permitted."),
        ["not_found"] = new(404,
            "対象が見つかりません。対象は利用できない状態か、IDまたはパスに誤りがあります。",
            "The target was not found. It is not available, or the ID or path is wrong."),
        ["conflict"] = new(409,
            "要求された操作を行えません。現在の対象の状態では、この操作を受け付けできません。",
            "It does not allow the requested operation. The current state of the target does not accept it."),
        ["still_creating"] = new(409,
            "要求された操作を行えません。リソースの作成処理が進行中です。完了後に再度お試しください。",
            "It does not allow the requested operation. The resource is still being created. Please try again after it completes."),
        ["server_power_must_be_down"] = new(409,
            "要求された操作を行えません。起動中はこの操作を行えません。",
            "It does not allow the requested operation. Server does not allow this operation during startup."),
        ["disconnect_b4_delete"] = new(409,
            "要求された操作を行えません。サーバとの接続を切断してから実行してください。",
            "It does not allow the requested operation. Please run after you disconnect the connection to the server."),
        ["locked"] = new(423,
            "リソースがロックされています。同一リソースに対する操作リクエストを処理中のため、しばらく時間をおいてから再度お試しください。",
            "The resource is locked. Another operation on the same resource is in progress; please try again later."),
        ["internal_server_error"] = new(500,
            "サーバ内部でエラーが発生しました。",
            "An internal server error occurred."),
        ["original_hash_mismatch"] = new(409,
            "要求された操作を行えません。オリジナルのデータを取得してからこのリクエストを行うまでの間に、他の変更が加わった可能性があります。",
            "It does not allow the requested operation. Something else may have changed the data between when you read it and this request."),
        ["busy"] = new(503,
            "サービスが利用できません。サーバが混雑しています。しばらく時間をおいてから再度お試しください。",
            "Service unavailable. The server is busy. Please try again later."),
        ["too_many_request"] = new(503,
            "要求を受け付けできません。リクエストの密度が高すぎます。",
            "The request cannot be accepted. Requests are too dense."),
        ["operation_failure"] = new(503,
            "サービスが利用できません。操作に失敗しました。サーバが混雑している可能性があります。",
            "Service unavailable. The operation failed. The server may be busy."),
        ["service_temporarily_unavailable"] = new(503,
            "サービスが利用できません。この機能は一時的に利用できない状態にあります。メンテナンス情報、サポートサイトをご確認ください。",
            "Service unavailable. This function is temporarily unavailable. Please check the maintenance information and the support site."),
        ["apiproxy_timeout"] = new(504,
            "APIプロクシがタイムアウトしました。サーバが混雑している可能性があります。",
            "The API proxy timed out. The server may be busy."),
        ["apiproxy_timeout_non_get"] = new(504,
            "APIプロクシが応答しません。要求は実行された可能性があります。しばらく時間をおいてからご確認ください。",
            "The API proxy does not respond. The request may have been executed. Please check again after a while."),
    };

    public static int StatusOf(string errorCode) => Entries.TryGetValue(errorCode, out var entry) ? entry.Status : 400;

    public static bool IsKnown(string errorCode) => Entries.ContainsKey(errorCode);

    /// <summary>The code a fault gets when it names only a status.</summary>
    public static string DefaultCodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        423 => "locked",
        503 => "busy",
        504 => "apiproxy_timeout",
        _ => "internal_server_error",
    };

    /// <summary>
    /// The API proxy answers a timed-out write with its own code, which says the request may have run;
    /// a fault that names only the status 504 follows the request's method the same way.
    /// </summary>
    public static string DefaultCodeFor(int status, string method) =>
        status == 504 && !HttpMethods.IsGet(method) ? "apiproxy_timeout_non_get" : DefaultCodeFor(status);

    public static string MessageOf(string errorCode, bool english) =>
        Entries.TryGetValue(errorCode, out var entry)
            ? english ? entry.English : entry.Japanese
            : english ? "The request could not be processed." : "要求を処理できませんでした。";
}
