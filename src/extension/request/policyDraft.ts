// The policy the "Enable JIT" / "Edit policy" editor produces: one entry per chosen port, all with
// the same maximum duration and allowed sources (the editor's simple form; the CLI takes per-port).
import type { JitPolicy, JitPortPolicy } from '../../engine/model';
import { DEFAULT_MAX_DURATION_MS, MAX_DURATION_MS, MIN_DURATION_MS } from '../../engine/model';

export interface PolicyDraft {
  ports: number[];
  maxDurationMs: number;
  allowedSourcePrefixes: string[];
  requireJustification: boolean;
}

export function draftFrom(
  policy: JitPolicy | undefined,
  defaultPorts: number[],
  defaultMaxMs: number,
): PolicyDraft {
  if (!policy || policy.ports.length === 0) {
    const max =
      defaultMaxMs >= MIN_DURATION_MS && defaultMaxMs <= MAX_DURATION_MS
        ? defaultMaxMs
        : DEFAULT_MAX_DURATION_MS;
    return {
      ports: [...defaultPorts],
      maxDurationMs: max,
      allowedSourcePrefixes: ['*'],
      requireJustification: false,
    };
  }
  return {
    ports: policy.ports.map((p) => p.port),
    maxDurationMs: Math.max(...policy.ports.map((p) => p.maxDurationMs)),
    allowedSourcePrefixes: [...new Set(policy.ports.flatMap((p) => p.allowedSourcePrefixes))],
    requireJustification: policy.requireJustification,
  };
}

export function policyFrom(vmId: string, draft: PolicyDraft): JitPolicy {
  const ports: JitPortPolicy[] = [...new Set(draft.ports)]
    .sort((a, b) => a - b)
    .map((port) => ({
      port,
      protocol: 'tcp',
      allowedSourcePrefixes: [...draft.allowedSourcePrefixes],
      maxDurationMs: draft.maxDurationMs,
    }));
  return { vmId, ports, requireJustification: draft.requireJustification };
}

/** Parses "22, 8022" into ports, or says what is wrong. */
export function parsePortList(text: string): { ports: number[] } | { problem: string } {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  const ports = parts.map(Number);
  const bad = parts.filter((_, i) => !Number.isInteger(ports[i]) || ports[i] < 1 || ports[i] > 65535);
  return bad.length ? { problem: `Not a port: ${bad.join(', ')}` } : { ports };
}
