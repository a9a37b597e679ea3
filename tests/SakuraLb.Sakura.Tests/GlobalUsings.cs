// The namespaces most of these tests use: the adapter's wire records and HTTP handlers, the reconcile core's
// observed state and addresses, and the shared test helpers.
global using System.Net;
global using System.Text.Json.Nodes;
global using SakuraLb.Reconcile.Addressing;
global using SakuraLb.Reconcile.Observed;
global using SakuraLb.Sakura.Http;
global using SakuraLb.Sakura.Wire;
global using SakuraLb.Testing;
