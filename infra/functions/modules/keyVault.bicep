// Key Vault (RBAC mode) holding the secrets the function app reads through Key Vault references. A secret
// whose parameter is empty is not written here: it is expected to be set out of band (az keyvault secret set),
// so values never have to pass through a deployment.

@description('Azure region of the resources.')
param location string

@description('Tags applied to every resource.')
param tags object

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
@minLength(3)
@maxLength(24)
param keyVaultName string

@description('Keep deleted vaults and secrets recoverable until the retention ends (cannot be turned off once on).')
param enablePurgeProtection bool

@description('Secret names, keyed by purpose.')
param secretNames {
  sakuraAccessTokenSecret: string
  ingestHmacSecret: string
  ingestHmacSecretPrevious: string
}

@secure()
@description('Sakura Cloud access token secret; empty to set it out of band.')
param sakuraAccessTokenSecret string

@secure()
@description('HMAC secret shared with the relay; empty to set it out of band.')
param ingestHmacSecret string

@description('Resource id of the Log Analytics workspace the vault\'s audit log goes to.')
param workspaceId string

@description('Principal id of the function app\'s user-assigned identity.')
param appPrincipalId string

@description('Resource id of that identity (keeps the role assignment name stable across redeployments).')
param appIdentityResourceId string

// Key Vault Secrets User: read secret values, nothing else.
var secretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // The API rejects false once protection is on, so "off" is expressed by leaving the property out.
    enablePurgeProtection: enablePurgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
  }
}

resource sakuraSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(sakuraAccessTokenSecret)) {
  parent: vault
  name: secretNames.sakuraAccessTokenSecret
  properties: {
    value: sakuraAccessTokenSecret
    contentType: 'Sakura Cloud API access token secret'
  }
}

resource hmacSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!empty(ingestHmacSecret)) {
  parent: vault
  name: secretNames.ingestHmacSecret
  properties: {
    value: ingestHmacSecret
    contentType: 'HMAC-SHA256 key shared with the relay'
  }
}

// Every access to the vault (who read which secret, role and policy changes) into the workspace: "audit" is
// the AuditEvent log.
resource auditLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-workspace'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appIdentityResourceId, secretsUserRoleId)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsUserRoleId)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output keyVaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
