// The namespaces most of these tests use: the wire contract and the parts of the reconcile core under test.
global using SakuraLb.Model;
global using SakuraLb.Reconcile.Addressing;
global using SakuraLb.Reconcile.Desired;
global using SakuraLb.Reconcile.Nodes;
global using SakuraLb.Reconcile.Observed;
global using SakuraLb.Reconcile.Planning;
global using SakuraLb.Reconcile.Scope;
