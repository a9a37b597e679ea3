// The namespaces most of the app's files use: the libraries it is built on (the wire contract, the reconcile
// core and its observed state, the Sakura Cloud adapter), logging, and the app's own stores and log messages.
global using Microsoft.Extensions.Logging;
global using SakuraLb.Functions.Storage;
global using SakuraLb.Functions.Telemetry;
global using SakuraLb.Model;
global using SakuraLb.Reconcile;
global using SakuraLb.Reconcile.Observed;
global using SakuraLb.Sakura;
