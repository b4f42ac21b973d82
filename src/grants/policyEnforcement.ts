// Every check a request passes before the first cloud write, in two stages: what can be judged from
// the input alone (before any cloud call at all), then the VM's own JIT policy as read from the cloud.
import { isAnySource } from '../engine/cidr';
import type { AccessRequest, JitPolicy, PortSpec } from '../engine/model';
import {
  ValidationError,
  validateAccessRequest,
  validateDuration,
  validateJustification,
  validatePort,
  validateProtocol,
  validateSource,
} from '../engine/validation';
import type { RequestInput } from './api';
import { PolicyViolationError } from './errors';
import type { DetectedIp } from './myIp';

export interface CheckedInput {
  ports: PortSpec[];
  durationMs: number;
  justification?: string;
}

/** Input-only checks; throws a ValidationError listing every problem. */
export function checkRequestInput(
  input: Pick<RequestInput, 'ports' | 'durationMs' | 'source' | 'justification'>,
): CheckedInput {
  const problems: string[] = [];
  const ports: PortSpec[] = [];
  if (input.ports.length === 0) problems.push('No port requested: choose at least one port.');
  for (const spec of input.ports) {
    const port = validatePort(spec.port);
    const protocol = validateProtocol(spec.protocol);
    problems.push(...port.problems, ...protocol.problems);
    if (port.ok && protocol.ok) ports.push({ port: port.value!, protocol: protocol.value! });
  }
  problems.push(...validateDuration(input.durationMs).problems);
  if (input.source.kind === 'cidr') problems.push(...validateSource(input.source.cidr).problems);
  const justification = validateJustification(input.justification, false);
  problems.push(...justification.problems);
  if (problems.length > 0) throw new ValidationError(problems);
  return {
    ports,
    durationMs: input.durationMs,
    ...(justification.value ? { justification: justification.value } : {}),
  };
}

export interface ResolvedSource {
  /** Normalised CIDR, or `*`. */
  cidr: string;
  warnings: string[];
}

/** The request's source as a CIDR: the detected "my IP", or the range given (normalised). */
export async function resolveSource(
  input: Pick<RequestInput, 'source'>,
  detect: () => Promise<DetectedIp>,
): Promise<ResolvedSource> {
  if (input.source.kind === 'myIp') {
    const ip = await detect();
    return { cidr: ip.cidr, warnings: ip.warnings };
  }
  const r = validateSource(input.source.cidr);
  if (!r.ok) throw new ValidationError(r.problems);
  return { cidr: r.value!, warnings: r.warnings };
}

/**
 * The VM's policy: ports and protocols, maximum duration, allowed sources, justification. A source
 * meaning "any address" must also be confirmed explicitly by the caller, even where the policy allows it.
 */
export function enforcePolicy(
  request: AccessRequest,
  policy: JitPolicy,
  source: ResolvedSource | undefined,
  options: { confirmAnySource?: boolean },
): { request: AccessRequest; warnings: string[] } {
  const checked = validateAccessRequest(request, policy);
  const problems = [...checked.problems];
  if (checked.ok && isAnySource(request.source) && !options.confirmAnySource) {
    problems.push(
      `Source ${request.source} would open ${request.ports.map((p) => p.port).join(', ')} to every address on the ` +
        `internet. The policy allows it, but it must be confirmed explicitly (--allow-any-source).`,
    );
  }
  if (problems.length > 0) throw new PolicyViolationError(problems);
  return { request: checked.value!, warnings: [...(source?.warnings ?? []), ...checked.warnings] };
}
