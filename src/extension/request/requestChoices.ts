// The choices the "Request JIT access" picker offers, derived from the VM's policy and the user's
// defaults, and the RequestInput they add up to. Pure, so the wizard's rules are unit-tested.
import { parseCidr } from '../../engine/cidr';
import type { JitPolicy, JitPortPolicy, OsType, PortSpec } from '../../engine/model';
import { MIN_DURATION_MS } from '../../engine/model';
import type { RequestInput, SourceChoice } from '../../grants/api';
import type { Localize } from '../l10n';

export interface PortChoice {
  port: PortSpec;
  maxDurationMs: number;
  picked: boolean;
}

const OS_PORTS: Record<OsType, number[]> = { linux: [22], windows: [3389], unknown: [22, 3389] };

/** Every policy port; pre-selects the OS's usual login port among the user's default ports. */
export function portChoices(policy: JitPolicy, os: OsType, defaultPorts: readonly number[]): PortChoice[] {
  const preferred = policy.ports.filter(
    (p) => OS_PORTS[os].includes(p.port) && defaultPorts.includes(p.port),
  );
  const picks = preferred.length ? preferred : policy.ports.slice(0, 1);
  return policy.ports.map((p: JitPortPolicy) => ({
    port: { port: p.port, protocol: p.protocol },
    maxDurationMs: p.maxDurationMs,
    picked: picks.includes(p),
  }));
}

/** The longest duration every selected port allows. */
export function maxDurationFor(policy: JitPolicy, ports: PortSpec[]): number {
  const selected = policy.ports.filter((p) =>
    ports.some((s) => s.port === p.port && s.protocol === p.protocol),
  );
  return Math.min(...selected.map((p) => p.maxDurationMs));
}

const STEPS_MS = [15, 30, 60, 120, 180, 240, 480, 720, 1440].map((m) => m * 60_000);

/** Durations to offer, up to the policy maximum (always included); the default is the closest not above it. */
export function durationChoices(maxMs: number, defaultMs: number): { ms: number; isDefault: boolean }[] {
  const values = [...new Set([...STEPS_MS.filter((ms) => ms >= MIN_DURATION_MS && ms < maxMs), maxMs])];
  const chosen = Math.min(defaultMs, maxMs);
  const def = values.filter((v) => v <= chosen).pop() ?? values[0];
  return values.map((ms) => ({ ms, isDefault: ms === def }));
}

/** A problem with a typed source, or undefined when it is a usable CIDR or address. */
export function sourceProblem(
  text: string,
  policy: JitPolicy,
  ports: PortSpec[],
  t: Localize,
): string | undefined {
  const cidr = parseCidr(text.trim());
  if (!cidr) return t('"{0}" is not an IP address or CIDR range.', text);
  const allowed = policy.ports
    .filter((p) => ports.some((s) => s.port === p.port))
    .flatMap((p) => p.allowedSourcePrefixes);
  if (allowed.includes('*')) return undefined;
  const inside = allowed.some((prefix) => {
    const outer = parseCidr(prefix);
    return (
      outer !== undefined &&
      outer.family === cidr.family &&
      outer.first <= cidr.first &&
      cidr.last <= outer.last
    );
  });
  return inside ? undefined : t('The policy only allows sources inside {0}.', allowed.join(', '));
}

export function requestInput(
  vmId: string,
  ports: PortSpec[],
  source: SourceChoice,
  durationMs: number,
  justification: string | undefined,
  dryRun = false,
): RequestInput {
  const text = justification?.trim();
  return {
    vmId,
    ports,
    source,
    durationMs,
    ...(text ? { justification: text } : {}),
    ...(dryRun ? { dryRun } : {}),
  };
}
