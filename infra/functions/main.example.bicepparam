// Example parameters: copy to main.bicepparam (Git ignores that name) and edit.
// Secrets come from the environment of the shell that runs `az deployment group create`; leave them unset
// to create the Key Vault secrets out of band instead (see README.md).
using 'main.bicep'

param baseName = 'sakuralb'
param clusterId = 'prod-cluster-1'

param sakuraZone = 'is1a'
param sakuraAccessToken = '00000000-0000-0000-0000-000000000000'
param sakuraAccessTokenSecret = readEnvironmentVariable('SAKURA_ACCESS_TOKEN_SECRET', '')
param ingestHmacSecret = readEnvironmentVariable('SAKURALB_HMAC_SECRET', '')

// One host instance: every Sakura call shares one 5 requests/s limiter.
param maximumInstanceCount = 1
param sakuraRequestsPerSecond = 5

param routerTags = [
  '@k8s'
]
param resyncSchedule = '0 */5 * * * *'
param nodeLifecycleSchedule = '0 * * * * *'
param healthSchedule = '*/10 * * * * *'

param tags = {
  app: 'sakura-lb-controller'
}
