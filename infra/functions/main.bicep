// The Azure side of the Sakura Cloud load-balancer controller: the Functions host that receives the relay's
// signed snapshots, runs the durable reconcile orchestrations and calls the Sakura Cloud API.
//
// One resource group holds: a user-assigned identity, a storage account, Log Analytics + Application Insights,
// a Key Vault (RBAC mode) with the secrets, an Elastic Premium plan and the function app. Deploy with
// `az deployment group create` (see README.md beside this file and docs/operations.md).

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------------
// Names and placement

@description('Short name that every resource name starts from: lower-case letters, digits and hyphens.')
@minLength(3)
@maxLength(16)
param baseName string = 'sakuralb'

@description('Azure region of every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Tags applied to every resource.')
param tags object = {}

// ---------------------------------------------------------------------------------------------------------
// Scale and the Sakura API budget

@description('Most host instances the app may run on. 1 keeps every Sakura call in one process, so the client\'s per-process rate limit is the whole app\'s budget; 2 adds a standby instance at half the rate each.')
@minValue(1)
@maxValue(2)
param maximumInstanceCount int = 1

@description('Sakura Cloud API requests per second the whole app may make (the official clients default to 5 per access token). Lower it when other tools share the token.')
@minValue(1)
@maxValue(10)
param sakuraRequestsPerSecond int = 5

@description('Elastic Premium size (EP1 is ample: the Sakura budget, not the CPU, bounds the work).')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param planSku string = 'EP1'

// ---------------------------------------------------------------------------------------------------------
// Controller

@description('Cluster id written into the @k8s.ClusterID tag of every load balancer (at most 32 characters). Required.')
@minLength(1)
@maxLength(32)
param clusterId string

@description('Only Services with this spec.loadBalancerClass; empty: Services without a class (the Kubernetes default).')
param loadBalancerClass string = ''

@description('Tags a router must carry to host load balancers; empty: the app\'s default (@k8s).')
param routerTags string[] = []

@description('Tags a plain switch must carry to host load-balancer-type switch load balancers; empty: the app\'s default (@k8s).')
param switchTags string[] = []

@description('Timer schedule of the periodic resync (NCRONTAB with seconds, UTC).')
param resyncSchedule string = '0 */5 * * * *'

@description('Timer schedule of the node controller\'s pass (shutdown taint, deleted servers; NCRONTAB with seconds, UTC).')
param nodeLifecycleSchedule string = '0 * * * * *'

@description('Timer schedule of the backend-health reads (NCRONTAB with seconds, UTC); keep its period above Health__PassDuration.')
param healthSchedule string = '*/10 * * * * *'

@description('Durable Functions task hub name (3-45 letters and digits, starting with a letter).')
@minLength(3)
@maxLength(45)
param durableTaskHubName string = 'SakuraLb'

// ---------------------------------------------------------------------------------------------------------
// Sakura Cloud

@description('Sakura Cloud API access token (a UUID; the Basic-auth user name, not a secret on its own). Required.')
@minLength(1)
param sakuraAccessToken string

@secure()
@description('Sakura Cloud API access token secret. Empty: set the Key Vault secret "sakura-access-token-secret" out of band.')
param sakuraAccessTokenSecret string = ''

@description('Sakura Cloud zone the cluster runs in, e.g. is1a, is1b, tk1a, tk1b.')
param sakuraZone string = 'is1a'

@description('Sakura Cloud API root without the zone.')
param sakuraApiRootUrl string = 'https://secure.sakura.ad.jp/cloud/zone'

// ---------------------------------------------------------------------------------------------------------
// Relay ingest

@secure()
@description('HMAC-SHA256 secret shared with the relay (at least 32 characters). Empty: set the Key Vault secret "ingest-hmac-secret" out of band.')
param ingestHmacSecret string = ''

@description('During a rotation of the relay secret: also accept the Key Vault secret "ingest-hmac-secret-previous", until ingestHmacPreviousExpiresAt.')
param ingestHmacRotationInProgress bool = false

@description('During a rotation: when the previous relay secret stops being accepted (ISO 8601 with offset). Default: one day after this deployment.')
param ingestHmacPreviousExpiresAt string = dateTimeAdd(utcNow(), 'P1D')

// ---------------------------------------------------------------------------------------------------------
// Operations

@description('Blob name of the deployment package in the package container (the app runs from this zip).')
param packageBlobName string = 'sakuralb-functions.zip'

@description('Principal id (user, group or CI identity) that may upload the deployment package; empty for none.')
param packageUploaderPrincipalId string = ''

@description('Storage replication.')
@allowed([
  'Standard_LRS'
  'Standard_ZRS'
  'Standard_GRS'
  'Standard_GZRS'
])
param storageSku string = 'Standard_LRS'

@description('Key Vault purge protection (recommended; once on it cannot be turned off, and the vault name stays taken for 90 days after a delete).')
param keyVaultPurgeProtection bool = true

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('More app settings (name → value), e.g. Reconcile__PollInterval; they override the ones this template sets.')
param additionalAppSettings object = {}

// ---------------------------------------------------------------------------------------------------------
// Derived values

var suffix = uniqueString(subscription().id, resourceGroup().id, baseName)
var compactName = take(toLower(replace(baseName, '-', '')), 9)
var names = {
  identity: 'id-${baseName}-${suffix}'
  workspace: 'log-${baseName}-${suffix}'
  insights: 'appi-${baseName}-${suffix}'
  storage: 'st${compactName}${suffix}'
  keyVault: 'kv${compactName}${suffix}'
  plan: 'plan-${baseName}-${suffix}'
  // At most 30 characters: the host id is the name cut to 32, and a cut name could collide.
  functionApp: '${baseName}-${suffix}'
}

var secretNames = {
  sakuraAccessTokenSecret: 'sakura-access-token-secret'
  ingestHmacSecret: 'ingest-hmac-secret'
  ingestHmacSecretPrevious: 'ingest-hmac-secret-previous'
}

var packageContainerName = 'function-packages'

// Sakura budget: the client limits each process, and on this plan every function of the app (HTTP, timer,
// orchestrations, activities) runs in the same host process per instance. Instances never exceed the budget,
// so each gets at least one request per second and the sum stays within it.
var effectiveInstanceCount = min(maximumInstanceCount, sakuraRequestsPerSecond)
var sakuraRequestsPerSecondPerInstance = sakuraRequestsPerSecond / effectiveInstanceCount

var vaultHost = '${names.keyVault}${environment().suffixes.keyvaultDns}'
var keyVaultReference = reduce(
  items(secretNames),
  {},
  (all, secret) =>
    union(all, {
      // Versionless: the app picks up a new version within a day, or at once on restart.
      '${secret.key}': '@Microsoft.KeyVault(SecretUri=https://${vaultHost}/secrets/${secret.value}/)'
    })
)

var hostSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  // Identity-based host storage; Durable Functions' Azure Storage provider reads the same connection.
  AzureWebJobsStorage__accountName: names.storage
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.properties.clientId
  // No Azure Files content share (it needs an account key): the app runs from a zip in blob storage,
  // fetched with the identity.
  WEBSITE_RUN_FROM_PACKAGE: 'https://${names.storage}.blob.${environment().suffixes.storage}/${packageContainerName}/${packageBlobName}'
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identity.id
  // Lets DefaultAzureCredential in the worker pick the user-assigned identity.
  AZURE_CLIENT_ID: identity.properties.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  DurableTaskHubName: durableTaskHubName
  ResyncSchedule: resyncSchedule
  NodeLifecycleSchedule: nodeLifecycleSchedule
  HealthSchedule: healthSchedule
}

var controllerSettings = union(
  {
    Controller__ClusterId: clusterId
  },
  empty(loadBalancerClass) ? {} : { Controller__LoadBalancerClass: loadBalancerClass },
  toObject(range(0, length(routerTags)), i => 'Controller__RouterTags__${i}', i => routerTags[i]),
  toObject(range(0, length(switchTags)), i => 'Controller__SwitchTags__${i}', i => switchTags[i])
)

var ingestSettings = union(
  {
    Ingest__HmacSecret: keyVaultReference.ingestHmacSecret
  },
  ingestHmacRotationInProgress
    ? {
        Ingest__HmacSecretPrevious: keyVaultReference.ingestHmacSecretPrevious
        Ingest__HmacRotationEndsAt: ingestHmacPreviousExpiresAt
      }
    : {}
)

var sakuraSettings = {
  Sakura__ApiRootUrl: sakuraApiRootUrl
  Sakura__Zone: sakuraZone
  Sakura__AccessToken: sakuraAccessToken
  Sakura__AccessTokenSecret: keyVaultReference.sakuraAccessTokenSecret
  Sakura__RequestsPerSecond: string(sakuraRequestsPerSecondPerInstance)
}

// Every consumer of the account uses the identity (host storage and Durable Functions above, the package, and
// the controller's tables here), so the account refuses shared-key requests and no account key is stored.
var storageSettings = {
  Storage__Mode: 'Table'
  Storage__TableServiceUri: 'https://${names.storage}.table.${environment().suffixes.storage}/'
}

// ---------------------------------------------------------------------------------------------------------
// Resources

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    workspaceName: names.workspace
    insightsName: names.insights
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    storageAccountName: names.storage
    workspaceId: monitoring.outputs.workspaceId
    skuName: storageSku
    packageContainerName: packageContainerName
    appPrincipalId: identity.properties.principalId
    appIdentityResourceId: identity.id
    packageUploaderPrincipalId: packageUploaderPrincipalId
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    tags: tags
    keyVaultName: names.keyVault
    workspaceId: monitoring.outputs.workspaceId
    enablePurgeProtection: keyVaultPurgeProtection
    secretNames: secretNames
    sakuraAccessTokenSecret: sakuraAccessTokenSecret
    ingestHmacSecret: ingestHmacSecret
    appPrincipalId: identity.properties.principalId
    appIdentityResourceId: identity.id
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'functionApp'
  params: {
    location: location
    tags: tags
    planName: names.plan
    functionAppName: names.functionApp
    workspaceId: monitoring.outputs.workspaceId
    planSku: planSku
    maximumInstanceCount: effectiveInstanceCount
    identityResourceId: identity.id
    appSettings: union(
      hostSettings,
      controllerSettings,
      ingestSettings,
      sakuraSettings,
      storageSettings,
      additionalAppSettings
    )
  }
  // The app resolves Key Vault references and opens storage at start: its roles and secrets come first.
  dependsOn: [
    keyVault
    storage
  ]
}

// ---------------------------------------------------------------------------------------------------------
// Outputs (names and figures for the deploy steps in docs/operations.md; no secrets)

output functionAppName string = functionApp.outputs.functionAppName
output functionAppHostName string = functionApp.outputs.defaultHostName
output resourceGroupName string = resourceGroup().name
output identityClientId string = identity.properties.clientId
output keyVaultName string = keyVault.outputs.keyVaultName
output storageAccountName string = storage.outputs.storageAccountName
output packageContainerName string = packageContainerName
output packageBlobName string = packageBlobName
output applicationInsightsName string = monitoring.outputs.insightsName
output maximumInstanceCount int = effectiveInstanceCount
output sakuraRequestsPerSecondPerInstance int = sakuraRequestsPerSecondPerInstance
output sakuraRequestsPerSecondTotal int = sakuraRequestsPerSecondPerInstance * effectiveInstanceCount
