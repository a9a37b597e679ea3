// The namespaces most of these tests use: the test app and its helpers, the wire contract, the reconcile core, the
// app's stores and orchestrations, and the durable engines.
global using System.Text.Json.Nodes;
global using DurableHost;
global using SakuraLb.Functions.Orchestrations;
global using SakuraLb.Functions.Storage;
global using SakuraLb.Functions.Tests.Infrastructure;
global using SakuraLb.Model;
global using SakuraLb.Reconcile;
global using SakuraLb.Testing;
