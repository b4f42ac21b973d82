// Every command id the extension contributes (package.json "contributes.commands" lists the same).

export const CommandIds = {
  requestAccess: 'jitAccess.requestAccess',
  extendGrant: 'jitAccess.extendGrant',
  revokeGrant: 'jitAccess.revokeGrant',
  enableJit: 'jitAccess.enableJit',
  editPolicy: 'jitAccess.editPolicy',
  disableJit: 'jitAccess.disableJit',
  showDetails: 'jitAccess.showDetails',
  connectSsh: 'jitAccess.connectSsh',
  addSshHost: 'jitAccess.addSshHost',
  copyIp: 'jitAccess.copyIp',
  openInPortal: 'jitAccess.openInPortal',
  sweep: 'jitAccess.sweep',
  showGrants: 'jitAccess.showGrants',
  signInAzure: 'jitAccess.signInAzure',
  selectSubscriptions: 'jitAccess.selectSubscriptions',
  selectProfiles: 'jitAccess.selectProfiles',
  useSandbox: 'jitAccess.useSandbox',
  useAccounts: 'jitAccess.useAccounts',
  refresh: 'jitAccess.refresh',
  refreshNode: 'jitAccess.refreshNode',
  showLog: 'jitAccess.showLog',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
