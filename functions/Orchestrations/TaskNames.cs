namespace SakuraLb.Functions.Orchestrations;

/// <summary>
/// The name of every orchestration and activity. The Functions wrappers (<see cref="DurableFunctions"/>) and the
/// in-process registration (<see cref="DurableRegistry"/>) both use these, and a test checks that the two lists
/// and the built functions.metadata agree.
/// </summary>
public static class TaskNames
{
    public const string ReconcileService = nameof(ReconcileService);
    public const string CleanupOrphan = nameof(CleanupOrphan);

    public const string LoadDesired = nameof(LoadDesired);
    public const string ObserveAndPlan = nameof(ObserveAndPlan);
    public const string ReserveAddresses = nameof(ReserveAddresses);
    public const string ReleaseAddresses = nameof(ReleaseAddresses);
    public const string CreateLoadBalancer = nameof(CreateLoadBalancer);
    public const string ReadLoadBalancer = nameof(ReadLoadBalancer);
    public const string BootLoadBalancer = nameof(BootLoadBalancer);
    public const string UpdateTags = nameof(UpdateTags);
    public const string UpdateSettings = nameof(UpdateSettings);
    public const string ApplyConfig = nameof(ApplyConfig);
    public const string ShutDownLoadBalancer = nameof(ShutDownLoadBalancer);
    public const string DeleteLoadBalancer = nameof(DeleteLoadBalancer);
    public const string PublishStatus = nameof(PublishStatus);
    public const string CheckOrphan = nameof(CheckOrphan);
    public const string ForgetOrphan = nameof(ForgetOrphan);


    /// <summary>Instance id of a Service's reconcile: one per UID, so two starts cannot race.</summary>
    public static string ReconcileInstanceId(string serviceUid) => "svc-" + serviceUid;

    /// <summary>Instance id of an orphaned load balancer's cleanup.</summary>
    public static string OrphanInstanceId(long loadBalancerId) => "orphan-" + loadBalancerId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
