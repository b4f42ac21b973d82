// Extend and revoke: act on a grant node, a grant id (panel, status bar notification), or a picked grant.
import * as vscode from 'vscode';
import type { OperationOutcome, RequestOutcome } from '../../grants/api';
import { durationChoices, maxDurationFor } from '../request/requestChoices';
import { readSettings } from '../settings';
import { formatDurationShort } from '../time/countdown';
import { portText } from '../tree/nodes/vmNode';
import type { CommandContext } from './context';
import { grantFor, isObject, orCancel, runReporting, withProgress } from './ui';

export async function extendGrant(ctx: CommandContext, arg: unknown): Promise<RequestOutcome | undefined> {
  return runReporting(ctx, 'Extend', async () => {
    const service = await ctx.host.requireService();
    const grant = await grantFor(ctx, arg, vscode.l10n.t('Extend which grant?'), true);
    let durationMs = isObject(arg) && typeof arg.durationMs === 'number' ? arg.durationMs : undefined;
    if (durationMs === undefined) {
      const policy = ctx.estate.snapshot?.vms.find((v) => v.vm.id === grant.vmId)?.policy;
      const max = policy ? maxDurationFor(policy, grant.ports) : readSettings().requestDurationMs;
      const pick = await vscode.window.showQuickPick(
        durationChoices(max, readSettings().requestDurationMs).map((d) => ({
          label: formatDurationShort(d.ms),
          description: d.isDefault ? vscode.l10n.t('default') : undefined,
          ms: d.ms,
        })),
        { title: vscode.l10n.t('Extend access to {0}: new time left, from now', grant.vmName) },
      );
      durationMs = orCancel(pick).ms;
    }
    const outcome = await withProgress(vscode.l10n.t('Extending access to {0}…', grant.vmName), () =>
      service.extend(grant, durationMs!),
    );
    void vscode.window.showInformationMessage(
      vscode.l10n.t(
        'Access to {0} extended until {1}.',
        grant.vmName,
        new Date(outcome.grant.expiresAt).toLocaleTimeString(),
      ),
    );
    return outcome;
  });
}

export async function revokeGrant(ctx: CommandContext, arg: unknown): Promise<OperationOutcome | undefined> {
  return runReporting(ctx, 'Revoke', async () => {
    const service = await ctx.host.requireService();
    const grant = await grantFor(ctx, arg, vscode.l10n.t('Revoke which grant?'), false);
    const skipConfirm = isObject(arg) && arg.confirm === false;
    if (!skipConfirm) {
      const revoke = vscode.l10n.t('Revoke');
      const who = ctx.estate.isMine(grant) ? vscode.l10n.t('your') : vscode.l10n.t("{0}'s", grant.requester);
      const answer = await vscode.window.showWarningMessage(
        vscode.l10n.t(
          'Revoke {0} access to {1} ({2})?',
          who,
          grant.vmName,
          grant.ports.map(portText).join(', '),
        ),
        {
          modal: true,
          detail: vscode.l10n.t('The rules are removed now. Established connections stay open.'),
        },
        revoke,
      );
      if (answer !== revoke) return undefined;
    }
    return withProgress(vscode.l10n.t('Revoking access to {0}…', grant.vmName), () => service.revoke(grant));
  });
}
