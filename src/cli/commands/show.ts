// `jit ls` (VMs with status and exposures) and `jit status` (active grants with time left).
import type { ClassifiedVm } from '../../grants/api';
import type { Grant } from '../../engine/model';
import type { CliContext } from '../context';
import { formatPorts, formatTimeLeft } from '../format';
import type { Output } from '../output';

function scopeText(v: ClassifiedVm): string {
  const s = v.vm.scope;
  return v.vm.cloud === 'azure'
    ? `${s.resourceGroup ?? ''} (${s.region})`
    : `${s.accountName ?? s.account} ${s.region}`;
}

function statusText(out: Output, status: ClassifiedVm['classification']['status']): string {
  if (status === 'healthy') return out.paint('green', 'healthy');
  if (status === 'unhealthy') return out.paint('red', 'unhealthy');
  return out.paint('dim', 'n/a');
}

function exposureText(v: ClassifiedVm): string {
  const list = v.classification.exposures.map(
    (e) => `${e.port} from ${e.scope === 'range' ? e.sources.join(',') : e.scope}`,
  );
  return [...new Set(list)].join('; ') || '-';
}

export async function listVms(ctx: CliContext, now: number): Promise<number> {
  const snapshot = await ctx.snapshot();
  const vms = [...snapshot.vms].sort(
    (a, b) => a.vm.name.localeCompare(b.vm.name) || a.vm.id.localeCompare(b.vm.id),
  );
  ctx.out.result(
    {
      vms: vms.map((v) => ({
        id: v.vm.id,
        name: v.vm.name,
        cloud: v.vm.cloud,
        scope: v.vm.scope,
        powerState: v.vm.powerState,
        status: v.classification.status,
        reason: v.classification.reason,
        jit: v.classification.jit,
        policy: v.policy ?? null,
        exposures: v.classification.exposures.map((e) => ({
          port: e.port,
          scope: e.scope,
          sources: e.sources,
          text: e.text,
        })),
        activeGrants: v.grants.filter((g) => g.expiresAt > now).length,
      })),
      failures: snapshot.failures,
    },
    () =>
      vms.length === 0
        ? 'No VMs found.'
        : ctx.out.table(
            ['NAME', 'CLOUD', 'SCOPE', 'POWER', 'STATUS', 'JIT', 'EXPOSED', 'GRANTS'],
            vms.map((v) => [
              v.vm.name,
              v.vm.cloud,
              scopeText(v),
              v.vm.powerState,
              statusText(ctx.out, v.classification.status),
              v.classification.jit.enabled
                ? v.classification.jit.by === 'defender'
                  ? 'defender'
                  : 'on'
                : 'off',
              exposureText(v),
              String(v.grants.filter((g) => g.expiresAt > now).length),
            ]),
          ),
  );
  return 0;
}

export function grantJson(g: Grant, now: number): Record<string, unknown> {
  return { ...g, expiresAtIso: new Date(g.expiresAt).toISOString(), msLeft: Math.max(0, g.expiresAt - now) };
}

export async function showStatus(ctx: CliContext, mine: boolean, now: () => number): Promise<number> {
  const service = await ctx.service();
  let grants = await service.list();
  if (mine) {
    const me = new Map<string, string[]>();
    for (const cloud of new Set(grants.map((g) => g.cloud))) me.set(cloud, await service.identities(cloud));
    grants = grants.filter((g) => me.get(g.cloud)?.includes(g.requester));
  }
  grants.sort((a, b) => a.expiresAt - b.expiresAt);
  const t = now();
  ctx.out.result({ grants: grants.map((g) => grantJson(g, t)) }, () =>
    grants.length === 0
      ? 'No active grants.'
      : ctx.out.table(
          ['VM', 'PORTS', 'SOURCE', 'BY', 'EXPIRES', 'LEFT', 'GRANT'],
          grants.map((g) => [
            g.vmName,
            formatPorts(g.ports),
            g.source,
            g.requester,
            new Date(g.expiresAt).toISOString().replace('.000Z', 'Z'),
            g.expiresAt - t < 5 * 60_000
              ? ctx.out.paint('yellow', formatTimeLeft(g.expiresAt - t))
              : formatTimeLeft(g.expiresAt - t),
            g.id,
          ]),
        ),
  );
  return 0;
}
