// Read-only VM commands and estate-wide ones: details, copy IP, portal, sweep, grants panel.
import * as vscode from 'vscode';
import type { SweepReport } from '../../grants/api';
import { buildDetails } from '../request/details';
import { primaryPrivateIp, primaryPublicIp } from '../tree/nodes/vmNode';
import type { CommandContext } from './context';
import { portalUrl } from './portalUrl';
import { runReporting, vmFor, withProgress } from './ui';

export async function showDetails(
  ctx: CommandContext,
  arg: unknown,
): Promise<vscode.TextDocument | undefined> {
  return runReporting(ctx, 'Show details', async () => {
    const service = await ctx.host.requireService();
    const cvm = await vmFor(ctx, arg, 'any', vscode.l10n.t('Show details of which VM?'));
    const s = (await import('../settings')).readSettings();
    const { draftFrom, policyFrom } = await import('../request/policyDraft');
    // What enabling would change (or, when enabled, what disabling would restore): a dry run.
    const plan = cvm.classification.jit.enabled
      ? await service.disable(cvm.vm.id, { dryRun: true }).catch((e: Error) => e)
      : cvm.classification.status === 'notApplicable'
        ? undefined
        : await service
            .enable(
              cvm.vm.id,
              policyFrom(cvm.vm.id, draftFrom(undefined, s.defaultPorts, s.policyMaxDurationMs)),
              { dryRun: true },
            )
            .catch((e: Error) => e);
    const content = buildDetails(cvm, plan, Date.now(), vscode.l10n.t);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return doc;
  });
}

export async function copyIp(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  return runReporting(ctx, 'Copy IP', async () => {
    const cvm = await vmFor(ctx, arg, 'any', vscode.l10n.t('Copy the IP of which VM?'));
    const ip = primaryPublicIp(cvm) ?? primaryPrivateIp(cvm);
    if (!ip) throw new Error(vscode.l10n.t('{0} has no IP address.', cvm.vm.name));
    await vscode.env.clipboard.writeText(ip);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied {0}', ip), 3000);
    return ip;
  });
}

export async function openInPortal(ctx: CommandContext, arg: unknown): Promise<string | undefined> {
  return runReporting(ctx, 'Open in portal', async () => {
    const cvm = await vmFor(ctx, arg, 'any', vscode.l10n.t('Open which VM in the portal?'));
    const url = portalUrl(cvm.vm);
    if (ctx.host.sandboxActive) {
      void vscode.window.showInformationMessage(
        vscode.l10n.t(
          '{0} lives in the local sandbox, which has no portal. Its real-cloud page would be {1}',
          cvm.vm.name,
          url,
        ),
      );
      return url;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url));
    return url;
  });
}

export async function sweep(ctx: CommandContext): Promise<SweepReport | undefined> {
  return runReporting(ctx, 'Sweep', async () => {
    const service = await ctx.host.requireService();
    const report = await withProgress(vscode.l10n.t('Sweeping expired grants…'), () => service.sweep());
    ctx.log.info(
      `Sweep: removed ${report.removed.length}, repaired ${report.repaired.length}, failed ${report.failures.length}`,
    );
    for (const f of report.failures) ctx.log.warn(`Sweep failed on ${f.vmId}: ${f.message}`);
    const text = vscode.l10n.t(
      'Sweep done: {0} expired grant(s) removed, {1} repaired, {2} failed.',
      report.removed.length,
      report.repaired.length,
      report.failures.length,
    );
    if (report.failures.length) void vscode.window.showWarningMessage(text);
    else void vscode.window.showInformationMessage(text);
    return report;
  });
}

export async function showGrants(ctx: CommandContext): Promise<void> {
  ctx.panel.show();
}
