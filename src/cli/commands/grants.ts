// `jit request`, `jit extend`, `jit revoke`.
import { createInterface } from 'node:readline/promises';
import type { Grant, PortSpec } from '../../engine/model';
import { formatDuration } from '../../engine/validation';
import type { RequestOutcome, SourceChoice } from '../../grants/api';
import { GrantNotFoundError } from '../../grants/errors';
import type { GrantService } from '../../grants/grantService';
import { resolveVm } from '../../grants/resolveVm';
import type { CliContext } from '../context';
import { UsageError } from '../exitCodes';
import { formatPorts, formatTimeLeft } from '../format';
import { grantJson } from './show';

export interface RequestArgs {
  vm: string;
  ports: PortSpec[];
  durationMs: number;
  source: SourceChoice;
  why?: string;
  dryRun?: boolean;
  allowAnySource?: boolean;
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** "My IP" is detected and shown before it is used; interactively the user confirms it. */
export async function concreteSource(
  ctx: CliContext,
  service: GrantService,
  source: SourceChoice,
): Promise<SourceChoice> {
  if (source.kind !== 'myIp') return source;
  const ip = await service.myIpDetails();
  for (const w of ip.warnings) ctx.out.warn(w);
  const other = ip.otherFamily
    ? ` (IPv${ip.family === 4 ? 6 : 4}: ${ip.otherFamily}, use --from to choose it)`
    : '';
  ctx.out.progress(`Your IP address: ${ip.address}, agreed by ${ip.via.join(', ')}${other}`);
  if (ctx.interactive && !ctx.options.yes && !(await confirm(`Grant access from ${ip.cidr}?`))) {
    throw new UsageError('Cancelled: no access was requested.');
  }
  return { kind: 'cidr', cidr: ip.cidr };
}

export function printGrantOutcome(ctx: CliContext, outcome: RequestOutcome, verb: string, now: number): void {
  for (const w of outcome.warnings) ctx.out.warn(w);
  const g = outcome.grant;
  ctx.out.result(
    {
      grant: grantJson(g, now),
      dryRun: outcome.dryRun,
      plan: outcome.plan,
      warnings: outcome.warnings,
      calls: outcome.calls,
    },
    () => {
      const lines = outcome.dryRun
        ? ['Dry run: nothing was changed. The plan:', ...outcome.plan.preview.map((l) => `  ${l}`)]
        : [
            `${verb} ${formatPorts(g.ports)} on ${g.vmName} from ${g.source} until ` +
              `${new Date(g.expiresAt).toISOString().replace('.000Z', 'Z')} (${formatTimeLeft(g.expiresAt - now)} left). Grant ${g.id}.`,
          ];
      for (const c of g.connect ?? [])
        lines.push(`  connect to ${c.host}:${c.hostPort} for port ${c.port} (firewall DNAT)`);
      return lines.join('\n');
    },
  );
}

export async function requestAccess(ctx: CliContext, args: RequestArgs, now: () => number): Promise<number> {
  const service = await ctx.service();
  const target = await ctx.resolve(args.vm);
  const source = await concreteSource(ctx, service, args.source);
  ctx.out.progress(
    `Requesting ${formatPorts(args.ports)} on ${target.vm.name} for ${formatDuration(args.durationMs)}…`,
  );
  const outcome = await service.request({
    vmId: target.vm.id,
    ports: args.ports,
    source,
    durationMs: args.durationMs,
    ...(args.why ? { justification: args.why } : {}),
    dryRun: args.dryRun === true,
    confirmAnySource: args.allowAnySource === true,
  });
  printGrantOutcome(ctx, outcome, 'Granted', now());
  return 0;
}

/**
 * The grants a reference names: a grant id, or a VM (then the caller's own active grants on it, or
 * everyone's with `any`). Exactly one is needed unless `all`.
 */
export async function findGrants(
  ctx: CliContext,
  ref: string,
  options: { any?: boolean; all?: boolean; grantId?: string },
): Promise<Grant[]> {
  const service = await ctx.service();
  const snapshot = await ctx.snapshot();
  const now = snapshot.takenAt;
  const active = snapshot.vms.flatMap((v) => v.grants).filter((g) => g.expiresAt > now);
  const byId = active.filter((g) => g.id === (options.grantId ?? ref));
  if (byId.length > 0 && !options.grantId) return byId;
  const vm = resolveVm(snapshot, ref);
  let grants = active.filter((g) => g.vmId === vm.vm.id);
  if (options.grantId) grants = grants.filter((g) => g.id === options.grantId);
  if (!options.any) {
    const me = await service.whoAmI(vm.vm.cloud, vm.vm.id);
    grants = grants.filter((g) => g.requester === me);
  }
  if (grants.length === 0) {
    throw new GrantNotFoundError(
      `${options.grantId ? `${options.grantId} ` : ''}${options.any ? '' : 'of yours '}on ${vm.vm.name}`,
    );
  }
  if (grants.length > 1 && !options.all) {
    throw new UsageError(
      `${vm.vm.name} has ${grants.length} matching grants: name one with --grant <id> (${grants.map((g) => g.id).join(', ')}) or use --all.`,
    );
  }
  return grants;
}

export async function extendAccess(
  ctx: CliContext,
  ref: string,
  durationMs: number,
  options: { grantId?: string; any?: boolean },
  now: () => number,
): Promise<number> {
  const [grant] = await findGrants(ctx, ref, options);
  const service = await ctx.service();
  ctx.out.progress(
    `Extending grant ${grant.id} on ${grant.vmName} to ${formatDuration(durationMs)} from now…`,
  );
  printGrantOutcome(ctx, await service.extend(grant, durationMs), 'Extended', now());
  return 0;
}

export async function revokeAccess(
  ctx: CliContext,
  ref: string,
  options: { grantId?: string; any?: boolean; all?: boolean },
): Promise<number> {
  const grants = await findGrants(ctx, ref, options);
  const service = await ctx.service();
  const revoked: Grant[] = [];
  for (const g of grants) {
    ctx.out.progress(`Revoking grant ${g.id} on ${g.vmName}…`);
    await service.revoke(g);
    revoked.push(g);
  }
  ctx.out.result({ revoked: revoked.map((g) => ({ id: g.id, vmId: g.vmId, vmName: g.vmName })) }, () =>
    revoked
      .map((g) => `Revoked ${formatPorts(g.ports)} on ${g.vmName} from ${g.source} (grant ${g.id}).`)
      .join('\n'),
  );
  return 0;
}
