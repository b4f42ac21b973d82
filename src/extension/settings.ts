// Every setting the extension reads, by key, with its default (package.json "contributes.configuration"
// declares the same keys with descriptions).
import * as vscode from 'vscode';

export const SECTION = 'jitAccess';

export const SettingKeys = {
  sandboxEnabled: 'sandbox.enabled',
  azureSubscriptions: 'azure.subscriptions',
  azureTenant: 'azure.tenant',
  awsProfiles: 'aws.profiles',
  awsRegions: 'aws.regions',
  defaultPorts: 'policy.defaultPorts',
  policyMaxDurationMinutes: 'policy.defaultMaxDurationMinutes',
  requestDurationMinutes: 'request.defaultDurationMinutes',
  warningThresholdMinutes: 'timer.warningThresholdMinutes',
  myIpServices: 'myIp.services',
  sweepIntervalMinutes: 'sweep.intervalMinutes',
  sshUserName: 'ssh.userName',
  sshWriteConfig: 'ssh.writeConfig',
  sshConfigPath: 'ssh.configPath',
  sshProxyCli: 'ssh.proxyCli',
} as const;

export interface ExtensionSettings {
  sandboxEnabled: boolean;
  azureSubscriptions: string[];
  azureTenant: string;
  awsProfiles: string[];
  awsRegions: string[];
  defaultPorts: number[];
  policyMaxDurationMs: number;
  requestDurationMs: number;
  warningThresholdMs: number;
  myIpServices: string[];
  sweepIntervalMs: number;
  sshUserName: string;
  sshWriteConfig: boolean;
  sshConfigPath: string;
  sshProxyCli: string;
}

export function readSettings(): ExtensionSettings {
  const c = vscode.workspace.getConfiguration(SECTION);
  const minutes = (key: string, fallback: number) => Math.max(0, c.get<number>(key, fallback)) * 60_000;
  return {
    sandboxEnabled: c.get<boolean>(SettingKeys.sandboxEnabled, false),
    azureSubscriptions: c.get<string[]>(SettingKeys.azureSubscriptions, []),
    azureTenant: c.get<string>(SettingKeys.azureTenant, ''),
    awsProfiles: c.get<string[]>(SettingKeys.awsProfiles, []),
    awsRegions: c.get<string[]>(SettingKeys.awsRegions, ['us-east-1']),
    defaultPorts: c.get<number[]>(SettingKeys.defaultPorts, [22, 3389, 5985, 5986]),
    policyMaxDurationMs: minutes(SettingKeys.policyMaxDurationMinutes, 180),
    requestDurationMs: minutes(SettingKeys.requestDurationMinutes, 60),
    warningThresholdMs: minutes(SettingKeys.warningThresholdMinutes, 5),
    myIpServices: c.get<string[]>(SettingKeys.myIpServices, []),
    sweepIntervalMs: minutes(SettingKeys.sweepIntervalMinutes, 5),
    sshUserName: c.get<string>(SettingKeys.sshUserName, ''),
    sshWriteConfig: c.get<boolean>(SettingKeys.sshWriteConfig, false),
    sshConfigPath: c.get<string>(SettingKeys.sshConfigPath, ''),
    sshProxyCli: c.get<string>(SettingKeys.sshProxyCli, ''),
  };
}

export async function updateSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** Settings whose change means a different set of providers (and so a new grant service). */
export const CONNECTION_KEYS: string[] = [
  SettingKeys.sandboxEnabled,
  SettingKeys.azureSubscriptions,
  SettingKeys.azureTenant,
  SettingKeys.awsProfiles,
  SettingKeys.awsRegions,
  SettingKeys.myIpServices,
  SettingKeys.sweepIntervalMinutes,
].map((k) => `${SECTION}.${k}`);
