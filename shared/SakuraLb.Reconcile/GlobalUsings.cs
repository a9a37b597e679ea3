// The namespaces most of the core's files use: the wire contract, addresses, and the observed cloud state.
global using SakuraLb.Model;
global using SakuraLb.Reconcile.Addressing;
global using SakuraLb.Reconcile.Observed;
