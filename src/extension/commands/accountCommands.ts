// Sign-in, subscription and profile selection, sandbox switch, refresh and the log.
import * as vscode from 'vscode';
import { signInToAzure } from '../accounts/azureSession';
import { readSettings, SettingKeys, updateSetting } from '../settings';
import { nodeOfArgument } from './resolve';
import type { CommandContext } from './context';
import { orCancel, runReporting } from './ui';

const COMMON_AWS_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
];

export async function signInAzure(ctx: CommandContext): Promise<void> {
  await runReporting(ctx, 'Sign in', async () => {
    await signInToAzure(readSettings().azureTenant || undefined);
    if (readSettings().sandboxEnabled) await updateSetting(SettingKeys.sandboxEnabled, false);
    ctx.host.invalidate();
  });
}

export async function selectSubscriptions(ctx: CommandContext): Promise<string[] | undefined> {
  return runReporting(ctx, 'Select subscriptions', async () => {
    const snapshot = await ctx.estate.ensureLoaded();
    const chosen = readSettings().azureSubscriptions;
    const known = new Map<string, string>();
    for (const s of snapshot?.scopes ?? []) if (s.cloud === 'azure') known.set(s.id, s.label);
    for (const id of chosen) if (!known.has(id)) known.set(id, id);
    if (known.size === 0)
      throw new Error(vscode.l10n.t('No Azure subscriptions are visible. Sign in to Azure first.'));
    const all = { label: vscode.l10n.t('$(list-flat) All subscriptions'), id: '' };
    const items = [...known].map(([id, label]) => ({
      label,
      description: id,
      id,
      picked: chosen.length === 0 || chosen.includes(id),
    }));
    const picks = orCancel(
      await vscode.window.showQuickPick([all, ...items], {
        canPickMany: true,
        title: vscode.l10n.t('Subscriptions to show'),
      }),
    );
    const ids = picks.includes(all) ? [] : picks.map((p) => p.id);
    await updateSetting(SettingKeys.azureSubscriptions, ids);
    return ids;
  });
}

export async function selectProfiles(ctx: CommandContext): Promise<string[] | undefined> {
  return runReporting(ctx, 'Select AWS profiles', async () => {
    const { listProfiles } = await import('../../cloud/aws/profiles');
    const available = await listProfiles({});
    const s = readSettings();
    const names = [...new Set([...available, ...s.awsProfiles])];
    let profiles: string[];
    if (names.length === 0) {
      const typed = orCancel(
        await vscode.window.showInputBox({
          title: vscode.l10n.t('AWS profiles'),
          prompt: vscode.l10n.t(
            'No profiles found in ~/.aws/config or ~/.aws/credentials. Profile names, comma separated:',
          ),
        }),
      );
      profiles = typed.split(/[\s,]+/).filter(Boolean);
    } else {
      const picks = orCancel(
        await vscode.window.showQuickPick(
          names.map((n) => ({ label: n, picked: s.awsProfiles.includes(n) })),
          { canPickMany: true, title: vscode.l10n.t('AWS profiles to show') },
        ),
      );
      profiles = picks.map((p) => p.label);
    }
    const regions = orCancel(
      await vscode.window.showQuickPick(
        [...new Set([...s.awsRegions, ...COMMON_AWS_REGIONS])].map((r) => ({
          label: r,
          picked: s.awsRegions.includes(r),
        })),
        { canPickMany: true, title: vscode.l10n.t('AWS regions to show') },
      ),
    ).map((p) => p.label);
    await updateSetting(SettingKeys.awsRegions, regions);
    await updateSetting(SettingKeys.awsProfiles, profiles);
    if (profiles.length && s.sandboxEnabled) await updateSetting(SettingKeys.sandboxEnabled, false);
    return profiles;
  });
}

export async function useSandbox(ctx: CommandContext): Promise<void> {
  await updateSetting(SettingKeys.sandboxEnabled, true);
  ctx.host.invalidate();
  await ctx.estate.load(false);
}

export async function useAccounts(ctx: CommandContext): Promise<void> {
  await updateSetting(SettingKeys.sandboxEnabled, false);
  ctx.host.invalidate();
}

export async function refresh(ctx: CommandContext, arg: unknown): Promise<void> {
  const node = nodeOfArgument(arg);
  if (node) ctx.log.debug(`Refreshing from ${node.id}`);
  await ctx.estate.load(true);
}

export async function showLog(ctx: CommandContext): Promise<void> {
  ctx.log.show();
}
