// The namespaces most of these tests use: HTTP status codes, JSON nodes, and the simulator tests' assertions.
global using System.Net;
global using System.Text.Json.Nodes;
global using static SakuraSim.Tests.TestSupport;
