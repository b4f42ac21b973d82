// Shared command plumbing: resolving the VM or grant a command acts on (tree node, id, or a
// picker), and reporting failures with the service's precise messages.
import * as vscode from 'vscode';
import type { Grant } from '../../engine/model';
import type { ClassifiedVm } from '../../grants/api';
import { formatCountdown } from '../time/countdown';
import { portText } from '../tree/nodes/vmNode';
import type { CommandContext } from './context';
import { resolveGrant, resolveVm, type VmFilter } from './resolve';

/** Thrown when the user dismisses a picker: ends the command quietly. */
export class Cancelled extends Error {
  constructor() {
    super('Cancelled');
    this.name = 'Cancelled';
  }
}

export function orCancel<T>(value: T | undefined): T {
  if (value === undefined) throw new Cancelled();
  return value;
}

export async function vmFor(
  ctx: CommandContext,
  arg: unknown,
  filter: VmFilter,
  placeHolder: string,
): Promise<ClassifiedVm> {
  const snapshot = await ctx.estate.ensureLoaded();
  const resolution = resolveVm(arg, snapshot, filter);
  if (resolution.kind === 'resolved') return resolution.value;
  if (resolution.kind === 'none') {
    throw new Error(vscode.l10n.t('No VM this command applies to was found.'));
  }
  const pick = await vscode.window.showQuickPick(
    resolution.candidates.map((cvm) => ({
      label: cvm.vm.name,
      description: `${cvm.vm.cloud === 'azure' ? 'Azure' : 'AWS'} · ${cvm.vm.scope.accountName ?? cvm.vm.scope.account} · ${cvm.vm.scope.region}`,
      detail: cvm.classification.exposures[0]?.text ?? cvm.classification.reason,
      cvm,
    })),
    { placeHolder, matchOnDescription: true, matchOnDetail: true },
  );
  return orCancel(pick).cvm;
}

export async function grantFor(
  ctx: CommandContext,
  arg: unknown,
  placeHolder: string,
  mineOnly: boolean,
): Promise<Grant> {
  const snapshot = await ctx.estate.ensureLoaded();
  const resolution = resolveGrant(arg, snapshot, ctx.estate.grants, { me: ctx.estate.isMine, mineOnly });
  if (resolution.kind === 'resolved') return resolution.value;
  if (resolution.kind === 'none') throw new Error(vscode.l10n.t('There is no active grant to act on.'));
  const now = Date.now();
  const pick = await vscode.window.showQuickPick(
    resolution.candidates.map((g) => ({
      label: `${g.vmName} · ${g.ports.map(portText).join(', ')}`,
      description: `${g.source} · ${ctx.estate.isMine(g) ? vscode.l10n.t('you') : g.requester}`,
      detail: vscode.l10n.t('{0} left', formatCountdown(g.expiresAt - now)),
      g,
    })),
    { placeHolder },
  );
  return orCancel(pick).g;
}

/** The policy of a JIT-enabled VM, with a clear error otherwise. */
export function policyOf(cvm: ClassifiedVm) {
  if (!cvm.policy) throw new Error(vscode.l10n.t('JIT is not enabled on {0}: enable it first.', cvm.vm.name));
  return cvm.policy;
}

export function errorText(error: unknown): string {
  const e = error as { message?: string; problems?: string[] };
  if (Array.isArray(e?.problems) && e.problems.length) return e.problems.join(' ');
  return e?.message ?? String(error);
}

/** Runs a command body; cancellation is silent, failures are shown and logged. */
export async function runReporting<T>(
  ctx: CommandContext,
  name: string,
  body: () => Promise<T>,
): Promise<T | undefined> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Cancelled) return undefined;
    const text = errorText(error);
    ctx.log.error(`${name}: ${text}`);
    const showLog = vscode.l10n.t('Show Log');
    void vscode.window.showErrorMessage(text, showLog).then((c) => c === showLog && ctx.log.show());
    return undefined;
  }
}

export function withProgress<T>(title: string, task: () => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title }, task);
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
