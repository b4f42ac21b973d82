// The "Show exposure and plan details" document: status, every exposure with the rules behind it,
// the policy, active grants, and the plan enabling (or disabling) JIT would apply.
import type { ClassifiedVm, OperationOutcome } from '../../grants/api';
import type { Localize } from '../l10n';
import { formatDurationShort } from '../time/countdown';
import { portText, primaryPrivateIp, primaryPublicIp, timeLeftText } from '../tree/nodes/vmNode';

export function buildDetails(
  cvm: ClassifiedVm,
  plan: OperationOutcome | Error | undefined,
  now: number,
  t: Localize,
): string {
  const { vm, classification: c } = cvm;
  const out: string[] = [`# ${vm.name}`, ''];
  out.push(
    `- ${t('Cloud')}: ${vm.cloud === 'azure' ? 'Azure' : 'AWS'} · ${vm.scope.accountName ?? vm.scope.account} · ${vm.scope.region}`,
  );
  out.push(`- ${t('Id')}: \`${vm.id}\``);
  out.push(`- ${t('Power state')}: ${vm.powerState} · ${t('OS')}: ${vm.os}`);
  out.push(
    `- ${t('Addresses')}: ${primaryPrivateIp(cvm) ?? '—'} (${t('private')}), ${primaryPublicIp(cvm) ?? '—'} (${t('public')})`,
  );
  out.push(`- ${t('Status')}: **${c.status}** — ${c.reason}`);
  out.push(`- ${t('JIT')}: ${c.jit.enabled ? t('enabled ({0})', c.jit.by ?? '') : t('not enabled')}`, '');
  out.push(`## ${t('Exposures')}`, '');
  if (c.exposures.length === 0) out.push(t('No management port is reachable from outside the network.'));
  for (const e of c.exposures) {
    out.push(`- ${e.text}`);
    for (const d of e.via) {
      out.push(
        `  - ${d.layer}: ${d.resourceName ?? d.resourceId ?? ''} ${d.rule ? `rule \`${d.rule}\`` : ''}${d.priority !== undefined ? ` (${d.priority})` : ''} → ${d.access}`,
      );
    }
  }
  if (c.warnings.length) {
    out.push('', `## ${t('Warnings')}`, '');
    for (const w of c.warnings) out.push(`- ${w}`);
  }
  if (cvm.policy) {
    out.push(
      '',
      `## ${t('JIT policy')}`,
      '',
      `| ${t('Port')} | ${t('Max duration')} | ${t('Allowed sources')} |`,
      '|---|---|---|',
    );
    for (const p of cvm.policy.ports) {
      out.push(
        `| ${portText(p)} | ${formatDurationShort(p.maxDurationMs)} | ${p.allowedSourcePrefixes.join(', ')} |`,
      );
    }
    out.push('', t('Justification required: {0}', cvm.policy.requireJustification ? t('yes') : t('no')));
  }
  if (cvm.grants.length) {
    out.push('', `## ${t('Active grants')}`, '');
    for (const g of cvm.grants) {
      out.push(
        `- ${g.ports.map(portText).join(', ')} ← ${g.source} · ${g.requester} · ${timeLeftText(t, g.expiresAt - now)}${g.justification ? ` · “${g.justification}”` : ''}`,
      );
    }
  }
  if (plan) {
    out.push(
      '',
      `## ${c.jit.enabled ? t('Disabling JIT would') : t('Enabling JIT with the default policy would')}`,
      '',
    );
    if (plan instanceof Error) out.push(`> ${plan.message}`);
    else {
      for (const line of plan.plan.preview) out.push(`1. ${line}`);
      for (const w of [...plan.warnings, ...plan.plan.warnings]) out.push(`- ⚠ ${w}`);
    }
  }
  return out.join('\n') + '\n';
}
