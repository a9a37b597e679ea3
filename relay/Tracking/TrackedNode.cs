using k8s.Models;
using SakuraLb.Model;

namespace SakuraLb.Relay.Tracking;

/// <summary>
/// A Node as the relay last saw it: the projection it forwards, and every taint (only the relevant ones are
/// forwarded, but a taint write replaces the whole list, so the rest must be sent back unchanged).
/// </summary>
public sealed record TrackedNode(NodeSnapshot Snapshot, IReadOnlyList<V1Taint> Taints);
