// The namespaces most of these tests use: HTTP status codes and JSON nodes.
global using System.Net;
global using System.Text.Json.Nodes;
