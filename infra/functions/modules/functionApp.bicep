// Elastic Premium plan and the Linux function app (.NET isolated worker). The plan and the app are capped at
// the same small instance count: the Sakura client's rate limiter is per process, so the number of processes
// times the per-process rate is the whole app's Sakura API budget.

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Name of the Elastic Premium plan.')
param planName string

@description('Name of the function app (also its default host name).')
param functionAppName string

@description('Elastic Premium size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param planSku string

@description('Most instances the app may run on; also the plan\'s burst limit.')
@minValue(1)
@maxValue(2)
param maximumInstanceCount int

@description('Resource id of the user-assigned identity the app runs as.')
param identityResourceId string

@description('App settings as name → value.')
param appSettings object

@description('Resource id of the Log Analytics workspace the function logs go to.')
param workspaceId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
    family: 'EP'
  }
  properties: {
    reserved: true
    maximumElasticWorkerCount: maximumInstanceCount
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientAffinityEnabled: false
    // Key Vault references resolve with this identity (the default would be a system-assigned one it lacks).
    keyVaultReferenceIdentity: identityResourceId
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      functionAppScaleLimit: maximumInstanceCount
      minimumElasticInstanceCount: 1
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      use32BitWorkerProcess: false
      appSettings: map(items(appSettings), setting => {
        name: setting.key
        value: string(setting.value)
      })
    }
  }
}

// Basic-auth publishing (FTP and the SCM site) stays off: deployments read the package with the identity.
resource ftpPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPublishing 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

// The host's and the functions' logs (FunctionAppLogs) in the workspace beside the vault's and the storage's
// audit logs, so one query spans them; Application Insights keeps the traces and requests as before.
resource functionLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-workspace'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'FunctionAppLogs'
        enabled: true
      }
    ]
  }
}

output functionAppName string = site.name
output defaultHostName string = site.properties.defaultHostName
