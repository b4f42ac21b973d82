// "Request JIT access": ports from the policy, source (my IP as detected, or a typed CIDR),
// duration up to the policy maximum, justification when required, then a preview of the rules
// the request adds (a dry run) before anything is written.
import * as vscode from 'vscode';
import { isAnySource } from '../../engine/cidr';
import type { PortSpec } from '../../engine/model';
import type {
  ClassifiedVm,
  GrantServiceApi,
  RequestInput,
  RequestOutcome,
  SourceChoice,
} from '../../grants/api';
import {
  durationChoices,
  maxDurationFor,
  portChoices,
  requestInput,
  sourceProblem,
} from '../request/requestChoices';
import { readSettings } from '../settings';
import { formatDurationShort } from '../time/countdown';
import { portText } from '../tree/nodes/vmNode';
import type { CommandContext } from './context';
import { CommandIds } from './ids';
import { Cancelled, isObject, orCancel, policyOf, runReporting, vmFor, withProgress } from './ui';

const STEPS = 5;

/** Arguments that skip the pickers (Remote-SSH connect, other extensions, in-host tests). */
export interface PresetRequest {
  vmId: string;
  ports: PortSpec[];
  source: SourceChoice;
  durationMs: number;
  justification?: string;
  /** Show the dry-run preview and ask before requesting (pickers skipped either way). */
  confirm?: boolean;
}

function isPreset(arg: unknown): arg is PresetRequest {
  return isObject(arg) && typeof arg.vmId === 'string' && Array.isArray(arg.ports) && isObject(arg.source);
}

export async function requestAccess(ctx: CommandContext, arg: unknown): Promise<RequestOutcome | undefined> {
  return runReporting(ctx, 'Request JIT access', async () => {
    const service = await ctx.host.requireService();
    if (isPreset(arg)) {
      const input = requestInput(arg.vmId, arg.ports, arg.source, arg.durationMs, arg.justification);
      const snapshot = await ctx.estate.ensureLoaded();
      const vmName = snapshot?.vms.find((v) => v.vm.id === arg.vmId)?.vm.name ?? arg.vmId;
      if (arg.confirm) await confirmPreview(service, input, vmName);
      return submit(ctx, service, input, vmName);
    }
    const cvm = await vmFor(ctx, arg, 'jitEnabled', vscode.l10n.t('Request JIT access to which VM?'));
    if (!cvm.classification.jit.enabled) {
      const enable = vscode.l10n.t('Enable JIT…');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('JIT is not enabled on {0}: enable it first, then request access.', cvm.vm.name),
        enable,
      );
      if (choice === enable) await vscode.commands.executeCommand(CommandIds.enableJit, cvm.vm.id);
      return undefined;
    }
    const input = await askRequest(service, cvm);
    await confirmPreview(service, input, cvm.vm.name);
    return submit(ctx, service, input, cvm.vm.name);
  });
}

async function submit(
  ctx: CommandContext,
  service: GrantServiceApi,
  input: RequestInput,
  vmName: string,
): Promise<RequestOutcome> {
  const outcome = await withProgress(vscode.l10n.t('Requesting JIT access to {0}…', vmName), () =>
    service.request(input),
  );
  const until = new Date(outcome.grant.expiresAt).toLocaleTimeString();
  ctx.log.info(`Granted ${outcome.grant.id} on ${vmName} until ${until} (${outcome.calls} calls)`);
  for (const w of outcome.warnings) void vscode.window.showWarningMessage(w);
  void vscode.window.showInformationMessage(
    vscode.l10n.t(
      'Access to {0} ({1}) from {2} granted until {3}.',
      vmName,
      outcome.grant.ports.map(portText).join(', '),
      outcome.grant.source,
      until,
    ),
  );
  return outcome;
}

async function askRequest(service: GrantServiceApi, cvm: ClassifiedVm): Promise<RequestInput> {
  const policy = policyOf(cvm);
  const settings = readSettings();
  const title = (step: number) =>
    vscode.l10n.t('Request JIT access to {0} ({1}/{2})', cvm.vm.name, step, STEPS);

  const portItems = portChoices(policy, cvm.vm.os, settings.defaultPorts).map((c) => ({
    label: portText(c.port),
    description: vscode.l10n.t('up to {0}', formatDurationShort(c.maxDurationMs)),
    picked: c.picked,
    spec: c.port,
  }));
  const picked = orCancel(
    await vscode.window.showQuickPick(portItems, {
      title: title(1),
      canPickMany: true,
      placeHolder: vscode.l10n.t('Ports to open'),
    }),
  );
  if (picked.length === 0) throw new Cancelled();
  const ports = picked.map((p) => p.spec);

  const source = await askSource(service, policy, ports, title(2));
  const anySource = source.kind === 'cidr' && isAnySource(source.cidr);

  const durations = durationChoices(maxDurationFor(policy, ports), settings.requestDurationMs);
  const duration = orCancel(
    await vscode.window.showQuickPick(
      durations
        .sort((a, b) => Number(b.isDefault) - Number(a.isDefault))
        .map((d) => ({
          label: formatDurationShort(d.ms),
          description: d.isDefault ? vscode.l10n.t('default') : undefined,
          ms: d.ms,
        })),
      { title: title(3), placeHolder: vscode.l10n.t('For how long?') },
    ),
  ).ms;

  const justification = await vscode.window.showInputBox({
    title: title(4),
    prompt: policy.requireJustification
      ? vscode.l10n.t('Justification (required by the policy)')
      : vscode.l10n.t('Justification (optional)'),
    validateInput: (text) =>
      policy.requireJustification && !text.trim()
        ? vscode.l10n.t('The policy requires a justification.')
        : undefined,
  });
  if (justification === undefined) throw new Cancelled();

  if (anySource) {
    const open = vscode.l10n.t('Open to the whole internet');
    const answer = await vscode.window.showWarningMessage(
      vscode.l10n.t('Open to the whole internet?'),
      {
        modal: true,
        detail: vscode.l10n.t(
          'Source {0} lets anyone reach these ports until the grant expires.',
          source.kind === 'cidr' ? source.cidr : '',
        ),
      },
      open,
    );
    if (answer !== open) throw new Cancelled();
  }
  return {
    ...requestInput(cvm.vm.id, ports, source, duration, justification),
    ...(anySource ? { confirmAnySource: true } : {}),
  };
}

async function askSource(
  service: GrantServiceApi,
  policy: ReturnType<typeof policyOf>,
  ports: PortSpec[],
  title: string,
): Promise<SourceChoice> {
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { choice: 'myIp' | 'custom' }>();
  qp.title = title;
  qp.placeholder = vscode.l10n.t('Allow access from');
  const myIpItem = {
    label: vscode.l10n.t('$(globe) My IP'),
    description: vscode.l10n.t('detecting…'),
    choice: 'myIp' as const,
  };
  const customItem = { label: vscode.l10n.t('$(edit) Custom IP or CIDR range…'), choice: 'custom' as const };
  qp.items = [myIpItem, customItem];
  qp.busy = true;
  void service.detectMyIp().then(
    (ip) => {
      qp.items = [{ ...myIpItem, description: ip }, customItem];
      qp.busy = false;
    },
    (error: Error) => {
      qp.items = [
        { ...myIpItem, description: vscode.l10n.t('not detected'), detail: error.message },
        customItem,
      ];
      qp.activeItems = [qp.items[1]];
      qp.busy = false;
    },
  );
  const choice = await new Promise<'myIp' | 'custom' | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.choice));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (choice === 'myIp') return { kind: 'myIp' };
  if (choice !== 'custom') throw new Cancelled();
  const cidr = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('IP address or CIDR range, e.g. 203.0.113.0/24'),
    validateInput: (text) => sourceProblem(text, policy, ports, vscode.l10n.t),
  });
  return { kind: 'cidr', cidr: orCancel(cidr).trim() };
}

/** Shows the rules a dry run would add; resolves when the user confirms. */
export async function confirmPreview(
  service: GrantServiceApi,
  input: RequestInput,
  vmName: string,
): Promise<void> {
  const dry = await withProgress(vscode.l10n.t('Planning…'), () =>
    service.request({ ...input, dryRun: true }),
  );
  const confirm = { label: vscode.l10n.t('$(check) Request access'), alwaysShow: true };
  const items: vscode.QuickPickItem[] = [
    confirm,
    { label: vscode.l10n.t('Rules to be added'), kind: vscode.QuickPickItemKind.Separator },
    ...dry.plan.preview.map((line) => ({ label: line })),
    ...(dry.warnings.length
      ? [{ label: vscode.l10n.t('Warnings'), kind: vscode.QuickPickItemKind.Separator }]
      : []),
    ...dry.warnings.map((w) => ({ label: `$(warning) ${w}` })),
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Request JIT access to {0} ({1}/{2})', vmName, STEPS, STEPS),
    placeHolder: vscode.l10n.t('Review the rules, then confirm'),
  });
  if (pick !== confirm) throw new Cancelled();
}
