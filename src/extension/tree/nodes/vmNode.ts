// A VM row and the rows under a JIT-enabled VM: its policy ports and its active grants.
import type { Grant, JitPortPolicy } from '../../../engine/model';
import type { ClassifiedVm } from '../../../grants/api';
import type { Localize } from '../../l10n';
import { formatDurationShort } from '../../time/countdown';
import { md, TreeNode } from './treeNode';
import type { JitGroup } from './containerNodes';

export function primaryPublicIp(cvm: ClassifiedVm): string | undefined {
  const nics = [...cvm.vm.interfaces].sort((a, b) => Number(b.primary) - Number(a.primary));
  return nics.flatMap((n) => n.publicIps)[0];
}

export function primaryPrivateIp(cvm: ClassifiedVm): string | undefined {
  const nics = [...cvm.vm.interfaces].sort((a, b) => Number(b.primary) - Number(a.primary));
  return nics.flatMap((n) => n.privateIps)[0];
}

export function jitGroupOf(cvm: ClassifiedVm): JitGroup {
  if (cvm.classification.jit.enabled) return 'jitEnabled';
  const groups = {
    unhealthy: 'canBenefit',
    healthy: 'healthyNoJit',
    notApplicable: 'notApplicable',
  } as const;
  return groups[cvm.classification.status];
}

/** Time left as the tree shows it (whole minutes; the status bar and panel show seconds). */
export function timeLeftText(t: Localize, msLeft: number): string {
  if (msLeft <= 0) return t('expired');
  const rounded = msLeft < 60_000 ? msLeft : Math.ceil(msLeft / 60_000) * 60_000;
  return t('{0} left', formatDurationShort(rounded));
}

export function portText(p: { port: number; protocol: string }): string {
  return `${p.port}/${p.protocol === '*' ? 'any' : p.protocol}`;
}

export class VmNode extends TreeNode {
  readonly kind = 'vm';
  readonly group: JitGroup;

  constructor(
    readonly cvm: ClassifiedVm,
    children: TreeNode[],
    t: Localize,
  ) {
    super(`vm:${cvm.vm.id}`, cvm.vm.name, children);
    this.group = jitGroupOf(cvm);
    const { classification: c, vm } = cvm;
    const unhealthy = c.status === 'unhealthy';
    this.icon =
      this.group === 'jitEnabled'
        ? { codicon: cvm.grants.length ? 'unlock' : 'shield', color: 'charts.green' }
        : this.group === 'notApplicable'
          ? { codicon: 'circle-slash', color: 'disabledForeground' }
          : unhealthy
            ? { codicon: 'warning', color: 'list.warningForeground' }
            : { codicon: 'pass', color: 'charts.green' };
    this.description = `${vm.powerState} · ${this.summary(t)}`;
    this.tooltip = this.buildTooltip(t);
  }

  private summary(t: Localize): string {
    const c = this.cvm.classification;
    if (this.group === 'jitEnabled') {
      const ports = (this.cvm.policy?.ports ?? []).map((p) => p.port).join(', ');
      const grants = this.cvm.grants.length;
      const jit = ports ? t('JIT on {0}', ports) : t('JIT enabled');
      return grants === 0
        ? jit
        : grants === 1
          ? t('{0} · 1 active grant', jit)
          : t('{0} · {1} active grants', jit, grants);
    }
    if (c.exposures.length > 0) {
      const first = c.exposures[0].text;
      return c.exposures.length === 1 ? first : t('{0} (+{1} more)', first, c.exposures.length - 1);
    }
    return c.reason;
  }

  private buildTooltip(t: Localize): string {
    const { vm, classification: c } = this.cvm;
    const lines = [
      `**${md(vm.name)}** — ${md(vm.cloud === 'azure' ? 'Azure' : 'AWS')} · ${md(vm.powerState)}`,
      '',
    ];
    lines.push(`${md(t('Status'))}: ${md(c.reason)}`);
    if (c.powerNote) lines.push('', md(c.powerNote));
    const priv = primaryPrivateIp(this.cvm);
    const pub = primaryPublicIp(this.cvm);
    lines.push('', `${md(t('Private IP'))}: ${md(priv ?? '—')} · ${md(t('Public IP'))}: ${md(pub ?? '—')}`);
    if (c.exposures.length) {
      lines.push('', `${md(t('Exposures'))}:`);
      for (const e of c.exposures) lines.push(`- ${md(e.text)}`);
    }
    for (const w of c.warnings) lines.push('', `$(warning) ${md(w)}`);
    lines.push('', `\`${vm.id}\``);
    return lines.join('\n');
  }

  get contextValue(): string {
    const tokens = ['vm', `cloud-${this.cvm.vm.cloud}`, `jit-${this.group}`];
    if (this.cvm.grants.length) tokens.push('hasGrants');
    if (primaryPublicIp(this.cvm) || this.cvm.grants.some((g) => g.connect?.length)) tokens.push('reachable');
    return tokens.join(' ');
  }
}

export class PortNode extends TreeNode {
  readonly kind = 'port';
  constructor(
    readonly cvm: ClassifiedVm,
    readonly policyPort: JitPortPolicy,
    now: number,
    t: Localize,
  ) {
    super(`vm:${cvm.vm.id}/port:${policyPort.port}/${policyPort.protocol}`, portText(policyPort));
    const open = cvm.grants.filter(
      (g) => g.ports.some((p) => p.port === policyPort.port) && g.expiresAt > now,
    );
    const sources = policyPort.allowedSourcePrefixes.join(', ');
    this.description = open.length
      ? t('open to {0}', open.map((g) => g.source).join(', '))
      : t(
          'closed · max {0} · from {1}',
          formatDurationShort(policyPort.maxDurationMs),
          sources === '*' ? t('any source') : sources,
        );
    this.icon = open.length ? { codicon: 'unlock', color: 'charts.green' } : { codicon: 'lock' };
  }
  get contextValue(): string {
    return `port cloud-${this.cvm.vm.cloud}`;
  }
}

export class GrantNode extends TreeNode {
  readonly kind = 'grant';
  constructor(
    readonly cvm: ClassifiedVm,
    readonly grant: Grant,
    readonly mine: boolean,
    now: number,
    t: Localize,
  ) {
    super(`grant:${grant.id}`, `${grant.ports.map(portText).join(', ')} ← ${grant.source}`);
    const who = mine ? t('you') : grant.requester;
    this.description = `${who} · ${timeLeftText(t, grant.expiresAt - now)}`;
    this.icon = { codicon: 'watch', color: mine ? 'charts.blue' : undefined };
    const lines = [
      `**${md(t('Grant {0}', grant.id))}** · ${md(grant.vmName)}`,
      '',
      `${md(t('Ports'))}: ${md(grant.ports.map(portText).join(', '))}`,
      `${md(t('Source'))}: ${md(grant.source)}`,
      `${md(t('Requester'))}: ${md(grant.requester)}`,
      `${md(t('Expires'))}: ${md(new Date(grant.expiresAt).toISOString())}`,
    ];
    if (grant.justification) lines.push(`${md(t('Justification'))}: ${md(grant.justification)}`);
    for (const c of grant.connect ?? [])
      lines.push(`${md(t('Connect'))}: ${md(`${c.host}:${c.hostPort} → ${c.port}`)}`);
    this.tooltip = lines.join('\n\n');
  }
  get contextValue(): string {
    return `grant cloud-${this.grant.cloud} ${this.mine ? 'mine' : 'others'}`;
  }
}
