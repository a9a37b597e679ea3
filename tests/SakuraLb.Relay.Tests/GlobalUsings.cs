// The namespaces most of these tests use: the test bed and shared helpers, the wire contract and the reconcile core,
// the Kubernetes client's models, and the relay's tracking.
global using SakuraLb.Model;
global using SakuraLb.Reconcile;
global using SakuraLb.Relay.Tests.Support;
global using SakuraLb.Relay.Tracking;
global using SakuraLb.Testing;
global using k8s;
global using k8s.Models;
