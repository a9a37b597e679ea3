// The namespaces most of the plugin's commands use: the Kubernetes client and its models, the command line, and
// the plugin's Kubernetes access.
global using SakuraLb.Kubectl.Cli;
global using SakuraLb.Kubectl.Kube;
global using k8s;
global using k8s.Models;
