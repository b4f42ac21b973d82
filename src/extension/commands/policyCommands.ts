// Enable JIT, edit its policy, disable it: each previews the plan (a dry run) before writing.
import * as vscode from 'vscode';
import { parseCidr } from '../../engine/cidr';
import type { JitPolicy } from '../../engine/model';
import type { ClassifiedVm, GrantServiceApi, OperationOutcome } from '../../grants/api';
import { draftFrom, parsePortList, policyFrom, type PolicyDraft } from '../request/policyDraft';
import { readSettings } from '../settings';
import { formatDurationShort } from '../time/countdown';
import type { CommandContext } from './context';
import { Cancelled, isObject, orCancel, policyOf, runReporting, vmFor, withProgress } from './ui';

const MAX_CHOICES_H = [1, 2, 3, 4, 8, 12, 24];

function presetPolicy(arg: unknown): JitPolicy | undefined {
  return isObject(arg) && isObject(arg.policy) ? (arg.policy as unknown as JitPolicy) : undefined;
}

export async function enableJit(ctx: CommandContext, arg: unknown): Promise<OperationOutcome | undefined> {
  return runReporting(ctx, 'Enable JIT', async () => {
    const cvm = await vmFor(ctx, arg, 'jitNotEnabled', vscode.l10n.t('Enable JIT on which VM?'));
    const s = readSettings();
    const policy =
      presetPolicy(arg) ??
      policyFrom(
        cvm.vm.id,
        await editDraft(cvm, draftFrom(undefined, s.defaultPorts, s.policyMaxDurationMs)),
      );
    return applyPolicy(ctx, cvm, policy, isObject(arg) && arg.confirm === false);
  });
}

export async function editPolicy(ctx: CommandContext, arg: unknown): Promise<OperationOutcome | undefined> {
  return runReporting(ctx, 'Edit policy', async () => {
    const cvm = await vmFor(ctx, arg, 'jitEnabled', vscode.l10n.t('Edit the JIT policy of which VM?'));
    const s = readSettings();
    const current = policyOf(cvm);
    const policy =
      presetPolicy(arg) ??
      policyFrom(cvm.vm.id, await editDraft(cvm, draftFrom(current, s.defaultPorts, s.policyMaxDurationMs)));
    return applyPolicy(ctx, cvm, policy, isObject(arg) && arg.confirm === false);
  });
}

export async function disableJit(ctx: CommandContext, arg: unknown): Promise<OperationOutcome | undefined> {
  return runReporting(ctx, 'Disable JIT', async () => {
    const service = await ctx.host.requireService();
    const cvm = await vmFor(ctx, arg, 'jitEnabled', vscode.l10n.t('Disable JIT on which VM?'));
    if (!(isObject(arg) && arg.confirm === false)) {
      const dry = await withProgress(vscode.l10n.t('Planning…'), () =>
        service.disable(cvm.vm.id, { dryRun: true }),
      );
      await confirmPlan(
        vscode.l10n.t('Disable JIT on {0}: restore plan', cvm.vm.name),
        dry,
        vscode.l10n.t('$(check) Disable JIT'),
      );
    }
    return withProgress(vscode.l10n.t('Disabling JIT on {0}…', cvm.vm.name), () =>
      service.disable(cvm.vm.id),
    );
  });
}

async function applyPolicy(
  ctx: CommandContext,
  cvm: ClassifiedVm,
  policy: JitPolicy,
  skipConfirm: boolean,
): Promise<OperationOutcome> {
  const service: GrantServiceApi = await ctx.host.requireService();
  if (!skipConfirm) {
    const dry = await withProgress(vscode.l10n.t('Planning…'), () =>
      service.enable(cvm.vm.id, policy, { dryRun: true }),
    );
    await confirmPlan(
      vscode.l10n.t('JIT on {0}: changes', cvm.vm.name),
      dry,
      vscode.l10n.t('$(check) Apply'),
    );
  }
  const outcome = await withProgress(vscode.l10n.t('Applying the JIT policy on {0}…', cvm.vm.name), () =>
    service.enable(cvm.vm.id, policy),
  );
  for (const w of outcome.warnings) void vscode.window.showWarningMessage(w);
  return outcome;
}

/** A picker listing the plan's steps and warnings with a confirm item on top. */
async function confirmPlan(title: string, dry: OperationOutcome, confirmLabel: string): Promise<void> {
  const confirm: vscode.QuickPickItem = { label: confirmLabel, alwaysShow: true };
  const lines = dry.plan.preview.length ? dry.plan.preview : [vscode.l10n.t('Nothing to change.')];
  const items: vscode.QuickPickItem[] = [
    confirm,
    { label: vscode.l10n.t('Steps'), kind: vscode.QuickPickItemKind.Separator },
    ...lines.map((label) => ({ label })),
    // The outcome repeats the plan's warnings: list each once.
    ...[...new Set([...dry.warnings, ...dry.plan.warnings])].map((w) => ({ label: `$(warning) ${w}` })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: vscode.l10n.t('Review the plan, then confirm'),
  });
  if (pick !== confirm) throw new Cancelled();
}

async function editDraft(cvm: ClassifiedVm, draft: PolicyDraft): Promise<PolicyDraft> {
  const title = (step: number) => vscode.l10n.t('JIT policy for {0} ({1}/4)', cvm.vm.name, step);
  const known = [...new Set([...draft.ports, ...readSettings().defaultPorts])].sort((a, b) => a - b);
  const other = { label: vscode.l10n.t('$(add) Other ports…'), port: 0, picked: false };
  const picks = orCancel(
    await vscode.window.showQuickPick(
      [...known.map((port) => ({ label: `${port}/tcp`, port, picked: draft.ports.includes(port) })), other],
      { title: title(1), canPickMany: true, placeHolder: vscode.l10n.t('Ports JIT protects') },
    ),
  );
  const ports = picks.filter((p) => p !== other).map((p) => p.port);
  if (picks.includes(other)) {
    const text = orCancel(
      await vscode.window.showInputBox({
        title: title(1),
        prompt: vscode.l10n.t('More ports, separated by commas'),
        validateInput: (v) => {
          const parsed = parsePortList(v);
          return 'problem' in parsed ? parsed.problem : undefined;
        },
      }),
    );
    const parsed = parsePortList(text);
    if ('ports' in parsed) ports.push(...parsed.ports);
  }
  if (ports.length === 0) throw new Cancelled();
  const hours = orCancel(
    await vscode.window.showQuickPick(
      MAX_CHOICES_H.map((h) => ({
        label: formatDurationShort(h * 3_600_000),
        description: h * 3_600_000 === draft.maxDurationMs ? vscode.l10n.t('current') : undefined,
        h,
      })).sort((a, b) => Number(!!b.description) - Number(!!a.description)),
      { title: title(2), placeHolder: vscode.l10n.t('Maximum request duration') },
    ),
  ).h;
  const sourcesText = orCancel(
    await vscode.window.showInputBox({
      title: title(3),
      prompt: vscode.l10n.t(
        "Allowed source ranges, comma separated (* = any; requests still open only the requester's own IP)",
      ),
      value: draft.allowedSourcePrefixes.join(', '),
      validateInput: (v) => {
        const bad = v.split(/[\s,]+/).filter((x) => x && x !== '*' && !parseCidr(x));
        return bad.length ? vscode.l10n.t('Not a CIDR range: {0}', bad.join(', ')) : undefined;
      },
    }),
  );
  const yes = vscode.l10n.t('Require a justification');
  const no = vscode.l10n.t('No justification needed');
  const justification = orCancel(
    await vscode.window.showQuickPick(draft.requireJustification ? [yes, no] : [no, yes], {
      title: title(4),
    }),
  );
  return {
    ports,
    maxDurationMs: hours * 3_600_000,
    allowedSourcePrefixes: sourcesText.split(/[\s,]+/).filter(Boolean),
    requireJustification: justification === yes,
  };
}
