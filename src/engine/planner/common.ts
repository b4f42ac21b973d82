// What the Azure and AWS planners share: building a plan, the planning error, grant ids and
// expiry, and the invariants a (validated) request must meet before anything is planned.
import { fnv1a32 } from '../hash';
import type { AccessRequest, Cloud, Grant, JitPolicy, JitProtocol, PortSpec, Vm } from '../model';
import type { CloudOp, Plan } from '../operations';
import { cidrContainsCidr } from '../cidr';

/** A plan that cannot be made; the message says why and what to do. */
export class PlanError extends Error {
  override name = 'PlanError';
}

export class PlanBuilder {
  private readonly plan: Plan = { ops: [], preview: [], warnings: [] };

  add(op: CloudOp, preview: string): void {
    this.plan.ops.push(op);
    this.plan.preview.push(preview);
  }

  warn(text: string): void {
    if (!this.plan.warnings.includes(text)) this.plan.warnings.push(text);
  }

  append(other: Plan): void {
    this.plan.ops.push(...other.ops);
    this.plan.preview.push(...other.preview);
    for (const w of other.warnings) this.warn(w);
  }

  build(): Plan {
    return this.plan;
  }
}

export function emptyPlan(): Plan {
  return { ops: [], preview: [], warnings: [] };
}

export function sameVm(vm: Vm, vmId: string): boolean {
  return vm.id.toLowerCase() === vmId.toLowerCase();
}

/** Deterministic: the same request at the same instant for the same VM gets the same id. */
export function grantIdFor(vm: Vm, req: AccessRequest, now: number): string {
  const ports = req.ports.map((p) => `${p.port}/${p.protocol}`).join(',');
  return fnv1a32(`${vm.id.toLowerCase()}|${req.source}|${ports}|${req.requester}|${now}`);
}

/** Expiry in whole seconds, rounded down so a grant never outlives its requested duration. */
export function expiryFor(now: number, durationMs: number): number {
  return Math.floor((now + durationMs) / 1000) * 1000;
}

export function isAnySource(source: string): boolean {
  return source === '*' || source === '0.0.0.0/0' || source === '::/0' || source === 'Internet';
}

function sourceAllowed(source: string, allowed: string[]): boolean {
  if (allowed.includes('*')) return true;
  return !isAnySource(source) && allowed.some((a) => cidrContainsCidr(a, source));
}

function protocolAllowed(asked: JitProtocol, allowed: JitProtocol): boolean {
  return allowed === '*' || asked === allowed;
}

/**
 * Validation is the caller's job (clear messages for users); these are the engine's own guards, so a
 * bug upstream can never widen a grant beyond the policy.
 */
export function assertRequestWithinPolicy(
  vm: Vm,
  policy: JitPolicy | undefined,
  req: AccessRequest,
): JitPolicy {
  if (!policy) {
    throw new PlanError(
      `JIT VM Access is not enabled on VM '${vm.name}'. Enable it before requesting access.`,
    );
  }
  if (!sameVm(vm, req.vmId)) throw new PlanError(`The request is for '${req.vmId}', not for VM '${vm.id}'.`);
  if (req.ports.length === 0) throw new PlanError('The request names no ports.');
  if (!(req.durationMs > 0)) throw new PlanError('The requested duration must be positive.');
  if (!req.requester) throw new PlanError('The request has no requester.');
  if (policy.requireJustification && !req.justification?.trim()) {
    throw new PlanError(`VM '${vm.name}' requires a justification for access requests.`);
  }
  const seen = new Set<string>();
  for (const p of req.ports) {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) throw new PlanError(`Port ${key} is requested twice.`);
    seen.add(key);
    const rule = policy.ports.find((q) => q.port === p.port && protocolAllowed(p.protocol, q.protocol));
    if (!rule) throw new PlanError(`Port ${key} is not in the JIT policy of VM '${vm.name}'.`);
    if (req.durationMs > rule.maxDurationMs) {
      throw new PlanError(
        `The requested duration exceeds the policy maximum for port ${p.port} on VM '${vm.name}'.`,
      );
    }
    if (!sourceAllowed(req.source, rule.allowedSourcePrefixes)) {
      throw new PlanError(
        `Source ${req.source} is not allowed for port ${p.port} by the JIT policy of VM '${vm.name}'.`,
      );
    }
  }
  return policy;
}

/** Ports grouped by protocol: one NSG rule carries one protocol. */
export function byProtocol(ports: PortSpec[]): Map<JitProtocol, number[]> {
  const map = new Map<JitProtocol, number[]>();
  for (const p of ports) {
    const list = map.get(p.protocol) ?? [];
    if (!list.includes(p.port)) list.push(p.port);
    map.set(
      p.protocol,
      list.sort((a, b) => a - b),
    );
  }
  return map;
}

export function describePorts(ports: number[], protocol: JitProtocol): string {
  return `${ports.join(',')}/${protocol === '*' ? 'tcp+udp' : protocol}`;
}

/** Warns when a request's source is any address: the ports are open to the whole internet. */
export function warnIfAnySource(b: PlanBuilder, source: string): void {
  if (isAnySource(source)) {
    b.warn(
      `The source is any address (${source}): the ports are open to the whole internet until the grant expires.`,
    );
  }
}

/** The grant a request plan creates, as both clouds record it. */
export function plannedGrant(
  cloud: Cloud,
  vm: Vm,
  req: AccessRequest,
  ids: { grantId: string; now: number; expiresAt: number },
  where: Pick<Grant, 'rules' | 'connect'>,
): Grant {
  return {
    id: ids.grantId,
    cloud,
    vmId: vm.id,
    vmName: vm.name,
    ports: req.ports,
    source: req.source,
    requester: req.requester,
    ...(req.justification ? { justification: req.justification } : {}),
    createdAt: ids.now,
    expiresAt: ids.expiresAt,
    rules: where.rules,
    ...(where.connect?.length ? { connect: where.connect } : {}),
  };
}
