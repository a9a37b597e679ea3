using SakuraLb.Relay.Hosting;
using SakuraLb.Relay.Options;
using SakuraLb.Relay.Telemetry;
using k8s;
using k8s.Autorest;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace SakuraLb.Relay.Leadership;

/// <summary>This replica's part.</summary>
public enum RelayRole
{
    Starting,

    /// <summary>Ready but idle: another replica holds the Lease.</summary>
    Follower,

    /// <summary>Holds the Lease and runs the pipeline.</summary>
    Leader,

    /// <summary>Leader election is off: this replica always runs the pipeline.</summary>
    Standalone,
}

/// <summary>
/// Runs the pipeline only while this replica holds the Lease (KubernetesClient's LeaderElector over a
/// LeaseLock). Losing the Lease cancels the term; a new term starts from fresh lists, never from state
/// left by an earlier term. On shutdown the leader releases the Lease (holder emptied), so the other
/// replica takes over within one retry period instead of waiting for the lease to expire.
/// </summary>
public sealed class LeadershipService : BackgroundService
{
    private readonly IKubernetes kubernetes;
    private readonly RelayPipeline pipeline;
    private readonly RelayOptions options;
    private readonly TimeProvider time;
    private readonly ILogger<LeadershipService> logger;
    private volatile RelayRole role = RelayRole.Starting;
    private volatile string? leader;

    public LeadershipService(IKubernetes kubernetes, RelayPipeline pipeline, RelayOptions options, TimeProvider time, ILogger<LeadershipService> logger)
    {
        this.kubernetes = kubernetes;
        this.pipeline = pipeline;
        this.options = options;
        this.time = time;
        this.logger = logger;
    }

    public RelayRole Role => role;

    /// <summary>The identity of the replica last seen holding the Lease.</summary>
    public string? Leader => leader;

    /// <summary>False once the service stopped unexpectedly (liveness).</summary>
    public bool Healthy => ExecuteTask is not { IsFaulted: true };

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.LeaderElection)
        {
            role = RelayRole.Standalone;
            leader = options.Identity;
            await pipeline.RunTermAsync(stoppingToken);
            return;
        }

        var leaseLock = new LeaseLock(kubernetes, options.LeaseNamespace, options.LeaseName, options.Identity);
        var config = new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        var term = Task.CompletedTask;
        CancellationTokenSource? termCancellation = null;
        var gate = new Lock();

        elector.OnStartedLeading += () =>
        {
            lock (gate)
            {
                role = RelayRole.Leader;
                leader = options.Identity;
                termCancellation = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                term = RunTermAfterAsync(term, termCancellation.Token);
            }

            Logs.StartedLeading(logger, options.Identity, leaseLock.Describe());
        };
        elector.OnStoppedLeading += () =>
        {
            lock (gate)
            {
                role = RelayRole.Follower;
                termCancellation?.Cancel();
            }

            Logs.StoppedLeading(logger, options.Identity);
        };
        elector.OnNewLeader += identity =>
        {
            leader = identity;
            if (role == RelayRole.Starting)
            {
                role = RelayRole.Follower;
            }

            Logs.NewLeader(logger, string.IsNullOrEmpty(identity) ? "(none)" : identity);
        };
        elector.OnError += ex => Logs.LeaderElectionError(logger, ex);

        role = RelayRole.Follower;
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            Task last;
            lock (gate)
            {
                termCancellation?.Cancel();
                last = term;
            }

            await last;
            termCancellation?.Dispose();
            if (options.ReleaseLeaseOnShutdown && (role == RelayRole.Leader || elector.IsLeader()))
            {
                await ReleaseAsync();
            }
        }
    }

    /// <summary>A new term starts only after the previous one has fully stopped: two terms never share state.</summary>
    private async Task RunTermAfterAsync(Task previous, CancellationToken cancellationToken)
    {
        try
        {
            await previous;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Logs.TermFailed(logger, ex);
        }

        try
        {
            await pipeline.RunTermAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Logs.TermFailed(logger, ex);
        }
    }

    /// <summary>Empties the Lease's holder so that another replica may take it at once (as client-go's ReleaseOnCancel does).</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            var lease = await kubernetes.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }

            // Empty, not null: the LeaderElector treats a null holder as "no lease" and tries to create
            // one (which fails because it exists), but an empty holder as free to take.
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            await kubernetes.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token);
            role = RelayRole.Follower;
            Logs.LeaseReleased(logger, options.Identity);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            Logs.LeaseReleaseFailed(logger, ex);
        }
    }
}
